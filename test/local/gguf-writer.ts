/**
 * A minimal GGUF (v3) writer for tests: metadata of any GGUF type and F32 tensors.
 * `writeTinyLlamaGguf` makes a small random llama model that llama.cpp loads and runs,
 * so tests need no downloaded model.
 */
import { closeSync, openSync, writeFileSync, writeSync } from "node:fs";

export type GgufValue =
  | { type: "u8" | "i8" | "u16" | "i16" | "u32" | "i32" | "u64" | "i64" | "f32" | "f64"; value: number | bigint }
  | { type: "bool"; value: boolean }
  | { type: "string"; value: string }
  | { type: "array"; itemType: "string"; value: string[] }
  | { type: "array"; itemType: "f32" | "i32" | "u32"; value: number[] };

export interface GgufTensor {
  name: string;
  /** GGUF order: the fastest-varying dimension first (`[columns, rows]`). */
  dims: number[];
  data: Float32Array;
  /** How the values are stored (default f32); q8_0 needs a first dimension divisible by 32. */
  type?: TensorType;
}

export type TensorType = "f32" | "f16" | "q8_0";

const TYPE_IDS = {
  u8: 0, i8: 1, u16: 2, i16: 3, u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9, u64: 10, i64: 11, f64: 12,
} as const;
const GGML_TYPES: Record<TensorType, number> = { f32: 0, f16: 1, q8_0: 8 };

function floatToHalf(value: number): number {
  const float = new Float32Array([value]);
  const bits = new Uint32Array(float.buffer)[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  const mantissa = bits & 0x7fffff;
  if (exponent <= 0) return sign | Math.round((mantissa | 0x800000) / 2 ** (14 - exponent));
  if (exponent >= 0x1f) return sign | 0x7c00;
  // A rounded-up mantissa carries into the exponent, as it should.
  return sign | ((exponent << 10) + Math.round(mantissa / 8192));
}

/** A tensor's bytes in its storage type (q8_0: blocks of 32 values, an f16 scale and 32 int8). */
function encodeTensor(data: Float32Array, type: TensorType): Buffer {
  if (type === "f32") return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (type === "f16") {
    const out = Buffer.alloc(data.length * 2);
    data.forEach((value, index) => out.writeUInt16LE(floatToHalf(value), index * 2));
    return out;
  }
  const out = Buffer.alloc((data.length / 32) * 34);
  for (let block = 0; block < data.length / 32; block++) {
    let largest = 0;
    for (let index = 0; index < 32; index++) largest = Math.max(largest, Math.abs(data[block * 32 + index]!));
    const scale = largest / 127;
    out.writeUInt16LE(floatToHalf(scale), block * 34);
    for (let index = 0; index < 32; index++) out.writeInt8(scale === 0 ? 0 : Math.round(data[block * 32 + index]! / scale), block * 34 + 2 + index);
  }
  return out;
}

const byteLengthOf = (dims: number[], type: TensorType) => {
  const count = dims.reduce((product, dimension) => product * dimension, 1);
  return type === "f32" ? count * 4 : type === "f16" ? count * 2 : (count / 32) * 34;
};
const ALIGNMENT = 32;

class ByteSink {
  private chunks: Buffer[] = [];
  length = 0;
  push(buffer: Buffer): void {
    this.chunks.push(buffer);
    this.length += buffer.length;
  }
  u32(value: number): void {
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32LE(value);
    this.push(buffer);
  }
  u64(value: number | bigint): void {
    const buffer = Buffer.alloc(8);
    buffer.writeBigUInt64LE(BigInt(value));
    this.push(buffer);
  }
  string(value: string): void {
    const bytes = Buffer.from(value, "utf8");
    this.u64(bytes.length);
    this.push(bytes);
  }
  pad(alignment: number): void {
    const rest = this.length % alignment;
    if (rest !== 0) this.push(Buffer.alloc(alignment - rest));
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function writeScalar(sink: ByteSink, type: keyof typeof TYPE_IDS, value: number | bigint | boolean | string): void {
  const buffer = Buffer.alloc(8);
  switch (type) {
    case "u8": buffer.writeUInt8(Number(value)); return sink.push(buffer.subarray(0, 1));
    case "i8": buffer.writeInt8(Number(value)); return sink.push(buffer.subarray(0, 1));
    case "u16": buffer.writeUInt16LE(Number(value)); return sink.push(buffer.subarray(0, 2));
    case "i16": buffer.writeInt16LE(Number(value)); return sink.push(buffer.subarray(0, 2));
    case "u32": buffer.writeUInt32LE(Number(value)); return sink.push(buffer.subarray(0, 4));
    case "i32": buffer.writeInt32LE(Number(value)); return sink.push(buffer.subarray(0, 4));
    case "f32": buffer.writeFloatLE(Number(value)); return sink.push(buffer.subarray(0, 4));
    case "bool": buffer.writeUInt8(value ? 1 : 0); return sink.push(buffer.subarray(0, 1));
    case "u64": buffer.writeBigUInt64LE(BigInt(value as number)); return sink.push(buffer);
    case "i64": buffer.writeBigInt64LE(BigInt(value as number)); return sink.push(buffer);
    case "f64": buffer.writeDoubleLE(Number(value)); return sink.push(buffer);
    case "string": return sink.string(String(value));
    case "array": throw new Error("nested arrays are not supported");
  }
}

/** Serialises a GGUF file. */
export function encodeGguf(metadata: Record<string, GgufValue>, tensors: GgufTensor[]): Buffer {
  const sink = new ByteSink();
  sink.push(encodeGgufHeader(metadata, tensors.map((tensor) => ({ name: tensor.name, dims: tensor.dims, type: tensor.type }))));
  for (const tensor of tensors) {
    sink.push(encodeTensor(tensor.data, tensor.type ?? "f32"));
    sink.pad(ALIGNMENT);
  }
  return sink.toBuffer();
}

const elementsOf = (dims: number[]) => dims.reduce((product, dimension) => product * dimension, 1);

/** Header, metadata and tensor table of a GGUF file, padded to where the data starts. */
export function encodeGgufHeader(metadata: Record<string, GgufValue>, tensors: Array<{ name: string; dims: number[]; type?: TensorType }>): Buffer {
  const sink = new ByteSink();
  sink.push(Buffer.from("GGUF", "ascii"));
  sink.u32(3);
  sink.u64(tensors.length);
  sink.u64(Object.keys(metadata).length);
  for (const [key, entry] of Object.entries(metadata)) {
    sink.string(key);
    sink.u32(TYPE_IDS[entry.type]);
    if (entry.type === "array") {
      sink.u32(TYPE_IDS[entry.itemType]);
      sink.u64(entry.value.length);
      for (const item of entry.value) writeScalar(sink, entry.itemType, item);
    } else {
      writeScalar(sink, entry.type, entry.value);
    }
  }
  let offset = 0;
  const offsets: number[] = [];
  for (const tensor of tensors) {
    offsets.push(offset);
    offset += Math.ceil(byteLengthOf(tensor.dims, tensor.type ?? "f32") / ALIGNMENT) * ALIGNMENT;
  }
  tensors.forEach((tensor, index) => {
    sink.string(tensor.name);
    sink.u32(tensor.dims.length);
    for (const dim of tensor.dims) sink.u64(dim);
    sink.u32(GGML_TYPES[tensor.type ?? "f32"]);
    sink.u64(offsets[index]!);
  });
  sink.pad(ALIGNMENT);
  return sink.toBuffer();
}

/** A tensor whose values are produced while the file is written (models too big to hold twice in memory). */
export interface GgufTensorSpec {
  name: string;
  dims: number[];
  type?: TensorType;
  fill: (data: Float32Array) => void;
}

/** Writes a GGUF file one tensor at a time. */
export function writeGgufFile(path: string, metadata: Record<string, GgufValue>, tensors: GgufTensorSpec[]): void {
  const fd = openSync(path, "w");
  try {
    writeSync(fd, encodeGgufHeader(metadata, tensors));
    for (const tensor of tensors) {
      const data = new Float32Array(elementsOf(tensor.dims));
      tensor.fill(data);
      const bytes = encodeTensor(data, tensor.type ?? "f32");
      writeSync(fd, bytes);
      const rest = bytes.byteLength % ALIGNMENT;
      if (rest !== 0) writeSync(fd, Buffer.alloc(ALIGNMENT - rest));
    }
  } finally {
    closeSync(fd);
  }
}

/** Deterministic pseudo-random numbers (mulberry32), so a seed gives the same model everywhere. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface TinyLlamaOptions {
  seed?: number;
  dim?: number;
  layers?: number;
  heads?: number;
  contextLength?: number;
  /** A Jinja chat template stored as `tokenizer.chat_template`; omitted for a base model. */
  chatTemplate?: string;
  /** Leave out metadata keys (to make a broken file). */
  omitKeys?: string[];
  /** Overrides `general.architecture`. */
  architecture?: string;
  /** Leave out SentencePiece's `<0xNN>` byte tokens (llama.cpp aborts on such a vocabulary). */
  withoutByteTokens?: boolean;
  /** How the matrices are stored (norms stay F32, as in downloaded GGUF files); default f32. */
  matrixType?: TensorType;
  /** More whole-word tokens (`▁word`), so text made of them tokenizes short. */
  words?: string[];
}

/** ChatML: a template llama.cpp and node-llama-cpp both recognise. */
export const CHATML_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

const WORDS = ["the", "a", "cat", "dog", "sat", "on", "mat", "once", "upon", "time", "yes", "no", "and", "was", "big", "red"];

function vocabulary(withChatTokens: boolean, byteTokens: boolean, extraWords: string[] = []) {
  const tokens: string[] = ["<unk>", "<s>", "</s>"];
  const types: number[] = [2, 3, 3];
  if (withChatTokens) {
    tokens.push("<|im_start|>", "<|im_end|>");
    types.push(3, 3);
  }
  for (let byte = 0; byte < (byteTokens ? 256 : 0); byte++) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, "0")}>`);
    types.push(6);
  }
  for (const piece of ["▁", ..."abcdefghijklmnopqrstuvwxyz{}\":,".split(""), ...[...new Set([...WORDS, ...extraWords])].map((word) => `▁${word}`)]) {
    tokens.push(piece);
    types.push(1);
  }
  const scores = tokens.map((token, index) => (types[index] === 1 ? -index / 10 : 0));
  return { tokens, types, scores };
}

/** A tiny random llama model (~0.5 MB): loads, tokenizes, generates and embeds. */
export function tinyLlamaGguf(options: TinyLlamaOptions = {}): Buffer {
  const dim = options.dim ?? 64;
  const layers = options.layers ?? 2;
  const heads = options.heads ?? 4;
  const feedForward = dim * 2;
  const next = random(options.seed ?? 42);
  const { tokens, types, scores } = vocabulary(options.chatTemplate !== undefined, !options.withoutByteTokens, options.words);
  const vocab = tokens.length;
  const tensor = (name: string, dims: number[], fill?: number): GgufTensor => {
    const size = dims.reduce((product, dimension) => product * dimension, 1);
    const data = new Float32Array(size);
    for (let index = 0; index < size; index++) data[index] = fill ?? (next() - 0.5) * 0.4;
    return { name, dims, data, type: dims.length > 1 ? (options.matrixType ?? "f32") : "f32" };
  };
  const tensors: GgufTensor[] = [tensor("token_embd.weight", [dim, vocab]), tensor("output_norm.weight", [dim], 1)];
  for (let layer = 0; layer < layers; layer++) {
    const prefix = `blk.${layer}`;
    tensors.push(
      tensor(`${prefix}.attn_norm.weight`, [dim], 1),
      tensor(`${prefix}.attn_q.weight`, [dim, dim]),
      tensor(`${prefix}.attn_k.weight`, [dim, dim]),
      tensor(`${prefix}.attn_v.weight`, [dim, dim]),
      tensor(`${prefix}.attn_output.weight`, [dim, dim]),
      tensor(`${prefix}.ffn_norm.weight`, [dim], 1),
      tensor(`${prefix}.ffn_gate.weight`, [dim, feedForward]),
      tensor(`${prefix}.ffn_up.weight`, [dim, feedForward]),
      tensor(`${prefix}.ffn_down.weight`, [feedForward, dim]),
    );
  }
  const architecture = options.architecture ?? "llama";
  const metadata: Record<string, GgufValue> = {
    "general.architecture": { type: "string", value: architecture },
    "general.name": { type: "string", value: "tiny-random-llama" },
    "general.alignment": { type: "u32", value: ALIGNMENT },
    [`${architecture}.context_length`]: { type: "u32", value: options.contextLength ?? 2048 },
    [`${architecture}.embedding_length`]: { type: "u32", value: dim },
    [`${architecture}.block_count`]: { type: "u32", value: layers },
    [`${architecture}.feed_forward_length`]: { type: "u32", value: feedForward },
    [`${architecture}.attention.head_count`]: { type: "u32", value: heads },
    [`${architecture}.attention.head_count_kv`]: { type: "u32", value: heads },
    [`${architecture}.attention.layer_norm_rms_epsilon`]: { type: "f32", value: 1e-5 },
    [`${architecture}.rope.dimension_count`]: { type: "u32", value: dim / heads },
    "tokenizer.ggml.model": { type: "string", value: "llama" },
    "tokenizer.ggml.tokens": { type: "array", itemType: "string", value: tokens },
    "tokenizer.ggml.scores": { type: "array", itemType: "f32", value: scores },
    "tokenizer.ggml.token_type": { type: "array", itemType: "i32", value: types },
    "tokenizer.ggml.bos_token_id": { type: "u32", value: 1 },
    "tokenizer.ggml.eos_token_id": { type: "u32", value: options.chatTemplate !== undefined ? 4 : 2 },
    "tokenizer.ggml.unknown_token_id": { type: "u32", value: 0 },
    "tokenizer.ggml.add_bos_token": { type: "bool", value: true },
  };
  if (options.chatTemplate !== undefined) {
    metadata["tokenizer.chat_template"] = { type: "string", value: options.chatTemplate };
  }
  for (const key of options.omitKeys ?? []) delete metadata[key];
  return encodeGguf(metadata, tensors);
}

export function writeTinyLlamaGguf(path: string, options: TinyLlamaOptions = {}): string {
  writeFileSync(path, tinyLlamaGguf(options));
  return path;
}
