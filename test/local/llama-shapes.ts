/**
 * Randomly initialised llama-architecture GGUF files with the shapes of real models (no download):
 * what a benchmark needs to measure the cost of a model of that size. The weights are noise, so the
 * models say nothing useful; every matrix has its real dimensions, the vocabulary its real size.
 */
import { writeFileSync } from "node:fs";
import { encodeGgufHeader, writeGgufFile, type GgufTensorSpec, type GgufValue, type TensorType } from "./gguf-writer.js";

export interface LlamaShape {
  name: string;
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  feedForward: number;
  vocab: number;
  /** The output head reuses token_embd (no output.weight), as in SmolLM2. */
  tiedEmbeddings: boolean;
  /** How matrices are stored (norms stay F32); default f32. */
  matrixType?: TensorType;
}

/** HuggingFaceTB/SmolLM2-135M's config.json. */
export const SMOLLM2_135M: LlamaShape = {
  name: "SmolLM2-135M",
  hidden: 576,
  layers: 30,
  heads: 9,
  kvHeads: 3,
  feedForward: 1536,
  vocab: 49152,
  tiedEmbeddings: true,
};

/** HuggingFaceTB/SmolLM2-360M's config.json (the default local model is its instruct version). */
export const SMOLLM2_360M: LlamaShape = {
  name: "SmolLM2-360M",
  hidden: 960,
  layers: 32,
  heads: 15,
  kvHeads: 5,
  feedForward: 2560,
  vocab: 49152,
  tiedEmbeddings: true,
};

/**
 * SmolLM2-135M's width with 8 of its 30 blocks: the deepest model of that width whose full-weight
 * training graph fits llama.cpp's graph size, so full-weight and partial memory can be compared.
 */
/** SmolLM2-360M stored as Q8_0, like the default local model's download. */
export const SMOLLM2_360M_Q8_0: LlamaShape = { ...SMOLLM2_360M, name: "SmolLM2-360M Q8_0", matrixType: "q8_0" };

export const SMOLLM2_135M_8_BLOCKS: LlamaShape = { ...SMOLLM2_135M, name: "SmolLM2-135M, 8 blocks", layers: 8 };

/** Parameters of a shape, as llama.cpp counts them (tied embeddings once). */
export function parameterCount(shape: LlamaShape): number {
  const headDim = shape.hidden / shape.heads;
  const kv = shape.kvHeads * headDim;
  const perLayer = 2 * shape.hidden + 2 * shape.hidden * shape.hidden + 2 * shape.hidden * kv + 3 * shape.hidden * shape.feedForward;
  return shape.layers * perLayer + shape.hidden + shape.vocab * shape.hidden * (shape.tiedEmbeddings ? 1 : 2);
}

/**
 * A SentencePiece vocabulary of the shape's size: control tokens, the 256 byte tokens llama.cpp
 * needs, single letters (so any lowercase text tokenizes to one token per character), then fillers.
 */
function vocabulary(size: number) {
  const tokens = ["<unk>", "<s>", "</s>"];
  const types = [2, 3, 3];
  for (let byte = 0; byte < 256; byte++) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, "0")}>`);
    types.push(6);
  }
  for (const piece of ["▁", ..."abcdefghijklmnopqrstuvwxyz"]) {
    tokens.push(piece);
    types.push(1);
  }
  while (tokens.length < size) {
    tokens.push(`▁filler${tokens.length}`);
    types.push(1);
  }
  const scores = tokens.map((_, index) => -index / 100);
  return { tokens, types, scores };
}

/** Seeded uniform noise of a given standard deviation (mulberry32). */
function noise(seed: number, deviation: number): (data: Float32Array) => void {
  let state = seed >>> 0;
  const scale = deviation * Math.sqrt(12);
  return (data) => {
    for (let index = 0; index < data.length; index++) {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      data[index] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) - 0.5) * scale;
    }
  };
}

/** The shape's tensors in llama.cpp's names and GGUF order, each filled by `fill` (norms with ones). */
export function llamaShapeTensors(shape: LlamaShape, fill: (data: Float32Array) => void = () => undefined): GgufTensorSpec[] {
  const { hidden, layers, feedForward, vocab } = shape;
  const headDim = hidden / shape.heads;
  const kv = shape.kvHeads * headDim;
  const ones = (data: Float32Array) => data.fill(1);
  const matrix = (name: string, columns: number, rows: number): GgufTensorSpec => ({ name, dims: [columns, rows], fill, type: shape.matrixType ?? "f32" });
  const tensors: GgufTensorSpec[] = [matrix("token_embd.weight", hidden, vocab), { name: "output_norm.weight", dims: [hidden], fill: ones }];
  if (!shape.tiedEmbeddings) tensors.push(matrix("output.weight", hidden, vocab));
  for (let layer = 0; layer < layers; layer++) {
    const prefix = `blk.${layer}`;
    tensors.push(
      { name: `${prefix}.attn_norm.weight`, dims: [hidden], fill: ones },
      matrix(`${prefix}.attn_q.weight`, hidden, hidden),
      matrix(`${prefix}.attn_k.weight`, hidden, kv),
      matrix(`${prefix}.attn_v.weight`, hidden, kv),
      matrix(`${prefix}.attn_output.weight`, hidden, hidden),
      { name: `${prefix}.ffn_norm.weight`, dims: [hidden], fill: ones },
      matrix(`${prefix}.ffn_gate.weight`, hidden, feedForward),
      matrix(`${prefix}.ffn_up.weight`, hidden, feedForward),
      matrix(`${prefix}.ffn_down.weight`, feedForward, hidden),
    );
  }
  return tensors;
}

function llamaShapeMetadata(shape: LlamaShape): Record<string, GgufValue> {
  const { hidden, layers, feedForward, vocab } = shape;
  const headDim = hidden / shape.heads;
  const { tokens, types, scores } = vocabulary(vocab);
  const metadata: Record<string, GgufValue> = {
    "general.architecture": { type: "string", value: "llama" },
    "general.name": { type: "string", value: `random-${shape.name}` },
    "general.alignment": { type: "u32", value: 32 },
    "llama.context_length": { type: "u32", value: 2048 },
    "llama.embedding_length": { type: "u32", value: hidden },
    "llama.block_count": { type: "u32", value: layers },
    "llama.feed_forward_length": { type: "u32", value: feedForward },
    "llama.attention.head_count": { type: "u32", value: shape.heads },
    "llama.attention.head_count_kv": { type: "u32", value: shape.kvHeads },
    "llama.attention.layer_norm_rms_epsilon": { type: "f32", value: 1e-5 },
    "llama.rope.dimension_count": { type: "u32", value: headDim },
    "llama.rope.freq_base": { type: "f32", value: 100000 },
    "llama.vocab_size": { type: "u32", value: vocab },
    "tokenizer.ggml.model": { type: "string", value: "llama" },
    "tokenizer.ggml.tokens": { type: "array", itemType: "string", value: tokens },
    "tokenizer.ggml.scores": { type: "array", itemType: "f32", value: scores },
    "tokenizer.ggml.token_type": { type: "array", itemType: "i32", value: types },
    "tokenizer.ggml.bos_token_id": { type: "u32", value: 1 },
    "tokenizer.ggml.eos_token_id": { type: "u32", value: 2 },
    "tokenizer.ggml.unknown_token_id": { type: "u32", value: 0 },
    "tokenizer.ggml.add_bos_token": { type: "bool", value: true },
  };
  return metadata;
}

/** Writes the shape as a GGUF (F32: 135M ~540 MB, 360M ~1.45 GB; Q8_0 360M ~390 MB); returns the path. */
export function writeLlamaShapeGguf(path: string, shape: LlamaShape, seed = 1): string {
  writeGgufFile(path, llamaShapeMetadata(shape), llamaShapeTensors(shape, noise(seed, 0.02)));
  return path;
}

/**
 * Writes only the shape's header, metadata and tensor table (a few hundred KB): a file llama.cpp cannot
 * load, but all that readers of a model's shape (the fine-tuning estimate) look at.
 */
export function writeLlamaShapeHeader(path: string, shape: LlamaShape): string {
  writeFileSync(path, encodeGgufHeader(llamaShapeMetadata(shape), llamaShapeTensors(shape)));
  return path;
}
