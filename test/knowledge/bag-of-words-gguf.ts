/**
 * A llama-architecture GGUF that embeds like a bag of words: every block's weights are zero, so
 * each position's hidden state is its token's (random, near-orthogonal) embedding, and mean pooling
 * averages them. Texts that share words get close vectors; texts that share none do not. That is a
 * real lexical embedder, small enough to write in test setup, for checking retrieval quality end to end.
 */
import { writeFileSync } from "node:fs";
import { encodeGguf, type GgufTensor, type GgufValue } from "../local/gguf-writer.js";

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 2 ** 32;
  };
}

export function writeBagOfWordsGguf(path: string, words: readonly string[], dim = 256): string {
  const tokens = ["<unk>", "<s>", "</s>"];
  const types = [2, 3, 3];
  for (let byte = 0; byte < 256; byte++) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, "0")}>`);
    types.push(6);
  }
  // SentencePiece merges pairwise, so every prefix of `▁word` must be a piece for the word to come out whole;
  // longer pieces score higher so merging runs to the end of the word.
  const wordPieces = new Set(words.map((word) => `▁${word}`));
  const pieces = new Set(["▁", ..."abcdefghijklmnopqrstuvwxyz?.,".split("")]);
  for (const word of wordPieces) for (let end = 2; end <= word.length; end++) pieces.add(word.slice(0, end));
  for (const piece of pieces) {
    tokens.push(piece);
    types.push(1);
  }
  const scores = tokens.map((token, index) => (types[index] === 1 ? token.length : 0));
  const isWord = (token: string) => wordPieces.has(token);
  const next = random(1234);
  const vocab = tokens.length;
  const tensor = (name: string, dims: number[], fill?: (index: number) => number): GgufTensor => {
    const size = dims.reduce((product, dimension) => product * dimension, 1);
    const data = new Float32Array(size);
    if (fill) for (let index = 0; index < size; index++) data[index] = fill(index);
    return { name, dims, data };
  };
  const feedForward = dim;
  const tensors: GgufTensor[] = [
    // Control tokens, bytes, letters and word prefixes embed to zero: only whole known words carry meaning.
    tensor("token_embd.weight", [dim, vocab], (index) => (isWord(tokens[Math.floor(index / dim)]!) ? next() - 0.5 : 0)),
    tensor("output_norm.weight", [dim], () => 1),
    tensor("output.weight", [dim, vocab]),
  ];
  const prefix = "blk.0";
  tensors.push(
    tensor(`${prefix}.attn_norm.weight`, [dim], () => 1),
    tensor(`${prefix}.attn_q.weight`, [dim, dim]),
    tensor(`${prefix}.attn_k.weight`, [dim, dim]),
    tensor(`${prefix}.attn_v.weight`, [dim, dim]),
    tensor(`${prefix}.attn_output.weight`, [dim, dim]),
    tensor(`${prefix}.ffn_norm.weight`, [dim], () => 1),
    tensor(`${prefix}.ffn_gate.weight`, [dim, feedForward]),
    tensor(`${prefix}.ffn_up.weight`, [dim, feedForward]),
    tensor(`${prefix}.ffn_down.weight`, [feedForward, dim]),
  );
  const metadata: Record<string, GgufValue> = {
    "general.architecture": { type: "string", value: "llama" },
    "general.name": { type: "string", value: "bag-of-words-embedder" },
    "general.alignment": { type: "u32", value: 32 },
    "llama.context_length": { type: "u32", value: 512 },
    "llama.embedding_length": { type: "u32", value: dim },
    "llama.block_count": { type: "u32", value: 1 },
    "llama.feed_forward_length": { type: "u32", value: feedForward },
    "llama.attention.head_count": { type: "u32", value: 4 },
    "llama.attention.head_count_kv": { type: "u32", value: 4 },
    "llama.attention.layer_norm_rms_epsilon": { type: "f32", value: 1e-5 },
    "llama.rope.dimension_count": { type: "u32", value: dim / 4 },
    "llama.pooling_type": { type: "u32", value: 1 },
    "tokenizer.ggml.model": { type: "string", value: "llama" },
    "tokenizer.ggml.tokens": { type: "array", itemType: "string", value: tokens },
    "tokenizer.ggml.scores": { type: "array", itemType: "f32", value: scores },
    "tokenizer.ggml.token_type": { type: "array", itemType: "i32", value: types },
    "tokenizer.ggml.bos_token_id": { type: "u32", value: 1 },
    "tokenizer.ggml.eos_token_id": { type: "u32", value: 2 },
    "tokenizer.ggml.unknown_token_id": { type: "u32", value: 0 },
    "tokenizer.ggml.add_bos_token": { type: "bool", value: true },
  };
  writeFileSync(path, encodeGguf(metadata, tensors));
  return path;
}
