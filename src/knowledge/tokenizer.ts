import type { Tiktoken } from "js-tiktoken/lite";
import { boundTokenizer } from "../core/bounded-tokenizer.js";

let encoder: Promise<Tiktoken> | undefined;

/**
 * cl100k_base, loaded on first use (the rank table is large). Chunk bounds are counted with it
 * whatever the embedding model: its counts are close to other BPE vocabularies on English text,
 * and chunk sizes leave headroom below every embedding model's input limit.
 */
export function loadTokenizer(): Promise<Tiktoken> {
  encoder ??= Promise.all([import("js-tiktoken/lite"), import("js-tiktoken/ranks/cl100k_base")]).then(([lite, ranks]) => boundTokenizer(new lite.Tiktoken(ranks.default)));
  return encoder;
}
