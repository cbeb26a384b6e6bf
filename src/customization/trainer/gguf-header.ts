/** Writes a GGUF file's header: magic, counts, the metadata section as given, the tensor table, padding to the data. */
import type { GgufLayout, TensorEntry } from "./gguf-dequantize.js";

export function ggufHeader(layout: Pick<GgufLayout, "version" | "alignment">, metadata: Buffer[], metadataCount: bigint, tensors: readonly TensorEntry[]): Buffer {
  const parts: Buffer[] = [Buffer.from("GGUF", "ascii"), u32(layout.version), u64(BigInt(tensors.length)), u64(metadataCount), ...metadata];
  for (const tensor of tensors) {
    const name = Buffer.from(tensor.name, "utf8");
    parts.push(u64(BigInt(name.length)), name, u32(tensor.dims.length), ...tensor.dims.map(u64), u32(tensor.type), u64(tensor.offset));
  }
  const header = Buffer.concat(parts);
  return Buffer.concat([header, Buffer.alloc((layout.alignment - (header.length % layout.alignment)) % layout.alignment)]);
}

function u32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(value);
  return buffer;
}

function u64(value: bigint): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigUInt64LE(value);
  return buffer;
}
