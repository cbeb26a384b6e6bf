/**
 * Copies a GGUF model with a `tokenizer.chat_template` added (or replaced), byte for byte otherwise,
 * so a base model that has no template of its own is served with the same plain role prefixes the
 * local trainer writes its examples in.
 */
import { readFileSync, writeFileSync } from "node:fs";

const ALIGNMENT = 32;
const TEMPLATE_KEY = "tokenizer.chat_template";
/** Byte sizes of GGUF scalar value types by type id (8 = string, 9 = array). */
const SCALAR_SIZES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

class Reader {
  offset = 0;
  constructor(readonly buffer: Buffer) {}
  u32(): number {
    const value = this.buffer.readUInt32LE(this.offset);
    this.offset += 4;
    return value;
  }
  u64(): number {
    const value = Number(this.buffer.readBigUInt64LE(this.offset));
    this.offset += 8;
    return value;
  }
  string(): string {
    const length = this.u64();
    const value = this.buffer.toString("utf8", this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
  skipValue(type: number): void {
    if (type === 8) return void this.string();
    if (type === 9) {
      const itemType = this.u32();
      const count = this.u64();
      for (let index = 0; index < count; index++) this.skipValue(itemType);
      return;
    }
    const size = SCALAR_SIZES[type];
    if (size === undefined) throw new Error(`unknown GGUF value type ${type}`);
    this.offset += size;
  }
}

function stringBytes(value: string): Buffer {
  const bytes = Buffer.from(value, "utf8");
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(bytes.length));
  return Buffer.concat([length, bytes]);
}

/** Metadata to set: strings and u32 numbers (keys already present are replaced). */
export interface MetadataChanges {
  strings?: Record<string, string>;
  u32?: Record<string, number>;
}

export function copyWithChatTemplate(source: string, target: string, template: string): string {
  return copyWithMetadata(source, target, { strings: { [TEMPLATE_KEY]: template } });
}

export function copyWithMetadata(source: string, target: string, changes: MetadataChanges): string {
  const buffer = readFileSync(source);
  const reader = new Reader(buffer);
  if (buffer.toString("ascii", 0, 4) !== "GGUF") throw new Error(`${source} is not a GGUF file`);
  reader.offset = 4;
  const version = reader.u32();
  const tensorCount = reader.u64();
  const keyCount = reader.u64();
  const kept: Buffer[] = [];
  for (let index = 0; index < keyCount; index++) {
    const start = reader.offset;
    const key = reader.string();
    reader.skipValue(reader.u32());
    if (!(key in (changes.strings ?? {})) && !(key in (changes.u32 ?? {}))) kept.push(buffer.subarray(start, reader.offset));
  }
  const tensorsStart = reader.offset;
  for (let index = 0; index < tensorCount; index++) {
    reader.string();
    const dims = reader.u32();
    reader.offset += dims * 8 + 4 + 8;
  }
  const tensorInfos = buffer.subarray(tensorsStart, reader.offset);
  const dataStart = Math.ceil(reader.offset / ALIGNMENT) * ALIGNMENT;
  const typeBytes = (type: number) => {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32LE(type);
    return bytes;
  };
  for (const [key, value] of Object.entries(changes.strings ?? {})) kept.push(Buffer.concat([stringBytes(key), typeBytes(8), stringBytes(value)]));
  for (const [key, value] of Object.entries(changes.u32 ?? {})) kept.push(Buffer.concat([stringBytes(key), typeBytes(4), typeBytes(value)]));
  const header = Buffer.alloc(24);
  header.write("GGUF", 0, "ascii");
  header.writeUInt32LE(version, 4);
  header.writeBigUInt64LE(BigInt(tensorCount), 8);
  header.writeBigUInt64LE(BigInt(kept.length), 16);
  const head = Buffer.concat([header, ...kept, tensorInfos]);
  const padding = Buffer.alloc((ALIGNMENT - (head.length % ALIGNMENT)) % ALIGNMENT);
  writeFileSync(target, Buffer.concat([head, padding, buffer.subarray(dataStart)]));
  return target;
}

/** Renders messages as `role: text` lines and answers bare, the way the local trainer writes chat examples. */
export const PLAIN_ROLES_TEMPLATE =
  "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'assistant' %}{{ message['content'] }}\n{% else %}{{ message['role'] }}: {{ message['content'] }}\n{% endif %}{% endfor %}";
