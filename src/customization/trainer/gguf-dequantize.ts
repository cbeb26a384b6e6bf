/**
 * llama.cpp trains only F32 tensors, but downloaded GGUF models are F16, BF16 or Q8_0 (the default
 * SmolLM2-360M-Instruct is Q8_0). Before training, the tensors a policy trains are rewritten as F32
 * into a copy of the file; every other tensor keeps its bytes (llama.cpp's backward pass runs through
 * frozen quantized weights), so memory grows only by the trained part. Metadata is copied byte for
 * byte: llama.cpp checks the GGUF types of its keys, and a round trip through a parser could change them.
 */
import { closeSync, fstatSync, openSync, readSync, writeSync } from "node:fs";
import { SwitchyardError } from "../../core/errors.js";
import { ggufHeader } from "./gguf-header.js";

const GGML_F32 = 0;
const GGML_F16 = 1;
const GGML_Q8_0 = 8;
const GGML_BF16 = 30;
const Q8_0_BLOCK = 32;
const Q8_0_BYTES = 34;

/** GGUF value types with a fixed size, by type id. */
const fixedSizes: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
const GGUF_STRING = 8;
const GGUF_ARRAY = 9;

export interface TensorEntry {
  name: string;
  dims: bigint[];
  type: number;
  offset: bigint;
}

export interface GgufLayout {
  version: number;
  /** The raw key-value section (copied unchanged). */
  metadata: Buffer;
  metadataCount: bigint;
  alignment: number;
  blockCount: number | undefined;
  tensors: TensorEntry[];
  /** Where tensor data starts in the file. */
  dataOffset: number;
}

/** Reads a file's header, metadata and tensor table (not the tensor data). */
export function readGgufLayout(path: string): GgufLayout {
  const fd = openSync(path, "r");
  try {
    let position = 0;
    let buffer = Buffer.alloc(0);
    let bufferStart = 0;
    /** Makes bytes [position, position + length) readable from `buffer`. */
    const need = (length: number): void => {
      if (position >= bufferStart && position + length <= bufferStart + buffer.length) return;
      const size = Math.max(length, 1 << 20);
      buffer = Buffer.alloc(size);
      const read = readSync(fd, buffer, 0, size, position);
      if (read < length) throw invalid(path, "the file ends inside its header");
      buffer = buffer.subarray(0, read);
      bufferStart = position;
    };
    const at = () => position - bufferStart;
    const u32 = () => (need(4), (position += 4), buffer.readUInt32LE(at() - 4));
    const u64 = () => (need(8), (position += 8), buffer.readBigUInt64LE(at() - 8));
    const string = () => {
      const length = Number(u64());
      need(length);
      position += length;
      return buffer.toString("utf8", at() - length, at());
    };
    const skip = (type: number) => {
      if (type === GGUF_STRING) return void string();
      if (type === GGUF_ARRAY) {
        const itemType = u32();
        const count = Number(u64());
        if (itemType === GGUF_STRING || itemType === GGUF_ARRAY) for (let index = 0; index < count; index++) skip(itemType);
        else position += count * (fixedSizes[itemType] ?? Number.NaN);
        return;
      }
      const size = fixedSizes[type];
      if (size === undefined) throw invalid(path, `unknown metadata type ${type}`);
      position += size;
    };

    need(24);
    if (buffer.toString("ascii", 0, 4) !== "GGUF") throw invalid(path, "not a GGUF file");
    position = 4;
    const version = u32();
    const tensorCount = Number(u64());
    const metadataCount = u64();
    const metadataStart = position;
    let alignment = 32;
    let blockCount: number | undefined;
    for (let index = 0n; index < metadataCount; index++) {
      const key = string();
      const type = u32();
      if (key === "general.alignment" && type === 4) alignment = (need(4), buffer.readUInt32LE(at()));
      if (key.endsWith(".block_count") && type === 4) blockCount = (need(4), buffer.readUInt32LE(at()));
      skip(type);
    }
    const metadataEnd = position;
    const tensors: TensorEntry[] = [];
    for (let index = 0; index < tensorCount; index++) {
      const name = string();
      const dimensions = u32();
      const dims = Array.from({ length: dimensions }, () => u64());
      tensors.push({ name, dims, type: u32(), offset: u64() });
    }
    const dataOffset = Math.ceil(position / alignment) * alignment;
    const metadata = Buffer.alloc(metadataEnd - metadataStart);
    readSync(fd, metadata, 0, metadata.length, metadataStart);
    return { version, metadata, metadataCount, alignment, blockCount, tensors, dataOffset };
  } finally {
    closeSync(fd);
  }
}

function invalid(path: string, reason: string): SwitchyardError {
  return new SwitchyardError("SWY_ERR_INVALID_REQUEST", `The base model ${path} is not a readable GGUF file: ${reason}.`);
}

const elements = (tensor: TensorEntry) => tensor.dims.reduce((product, dimension) => product * Number(dimension), 1);

/** Bytes of a tensor's data, for the types this module reads or copies. */
function byteSize(tensor: TensorEntry, next: TensorEntry | undefined, fileDataEnd: number): number {
  if (tensor.type === GGML_F32) return elements(tensor) * 4;
  if (tensor.type === GGML_F16 || tensor.type === GGML_BF16) return elements(tensor) * 2;
  if (tensor.type === GGML_Q8_0) return (elements(tensor) / Q8_0_BLOCK) * Q8_0_BYTES;
  // Another type is copied as is: its bytes run to the next tensor (or the end of the data).
  return (next ? Number(next.offset) : fileDataEnd) - Number(tensor.offset);
}

function halfToFloat(half: number): number {
  const sign = half & 0x8000 ? -1 : 1;
  const exponent = (half >> 10) & 0x1f;
  const fraction = half & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Whether this module can turn a tensor of this type into F32. */
export const convertible = (type: number) => type === GGML_F16 || type === GGML_BF16 || type === GGML_Q8_0;

function toFloat32(type: number, bytes: Buffer, count: number): Float32Array {
  const out = new Float32Array(count);
  if (type === GGML_F16) for (let index = 0; index < count; index++) out[index] = halfToFloat(bytes.readUInt16LE(index * 2));
  else if (type === GGML_BF16) {
    const word = Buffer.alloc(4);
    for (let index = 0; index < count; index++) {
      word.writeUInt16LE(0, 0);
      word.writeUInt16LE(bytes.readUInt16LE(index * 2), 2);
      out[index] = word.readFloatLE(0);
    }
  } else {
    for (let block = 0; block < count / Q8_0_BLOCK; block++) {
      const scale = halfToFloat(bytes.readUInt16LE(block * Q8_0_BYTES));
      for (let index = 0; index < Q8_0_BLOCK; index++) out[block * Q8_0_BLOCK + index] = scale * bytes.readInt8(block * Q8_0_BYTES + 2 + index);
    }
  }
  return out;
}

/**
 * Writes `output`: `input` with the tensors `trains(name, blockCount)` selects rewritten as F32 where
 * they are F16, BF16 or Q8_0. Returns how many were rewritten; 0 means the input can be trained as is
 * (and nothing was written).
 */
export function dequantizeTrainable(input: string, output: string, trains: (name: string, blockCount: number) => boolean): number {
  const layout = readGgufLayout(input);
  const blockCount = layout.blockCount ?? 0;
  const chosen = new Set(layout.tensors.filter((tensor) => convertible(tensor.type) && trains(tensor.name, blockCount)).map((tensor) => tensor.name));
  if (chosen.size === 0) return 0;

  const source = openSync(input, "r");
  const target = openSync(output, "w");
  try {
    const sorted = [...layout.tensors].sort((a, b) => Number(a.offset - b.offset));
    const inputEnd = fstatSync(source).size - layout.dataOffset;
    const sizes = new Map(sorted.map((tensor, index) => [tensor.name, byteSize(tensor, sorted[index + 1], inputEnd)]));
    // The new table: chosen tensors become F32, every tensor keeps the file's order and alignment.
    let offset = 0;
    const entries = layout.tensors.map((tensor) => {
      const type = chosen.has(tensor.name) ? GGML_F32 : tensor.type;
      const size = chosen.has(tensor.name) ? elements(tensor) * 4 : sizes.get(tensor.name)!;
      const entry = { ...tensor, type, offset: BigInt(offset), size };
      offset += Math.ceil(size / layout.alignment) * layout.alignment;
      return entry;
    });
    const head = ggufHeader(layout, [layout.metadata], layout.metadataCount, entries);
    writeSync(target, head);
    for (const [index, entry] of entries.entries()) {
      const original = layout.tensors[index]!;
      const size = sizes.get(original.name)!;
      const bytes = Buffer.alloc(size);
      const read = readSync(source, bytes, 0, size, layout.dataOffset + Number(original.offset));
      if (read < size) throw invalid(input, `tensor ${original.name} is cut short`);
      const data = chosen.has(entry.name) ? Buffer.from(toFloat32(original.type, bytes, elements(original)).buffer) : bytes;
      writeSync(target, data);
      writeSync(target, Buffer.alloc((layout.alignment - (data.length % layout.alignment)) % layout.alignment));
    }
  } finally {
    closeSync(source);
    closeSync(target);
  }
  return chosen.size;
}

