/**
 * Which of a model's tensors a local fine-tune trains. Frozen tensors get no gradient and no AdamW
 * moments (ggml-opt allocates both only for parameters), and when only the top of the network trains
 * the backward pass stops there, so a partial fine-tune is both smaller in memory and faster per step.
 *
 * Some tensors never train in this llama.cpp build, whatever the policy (see `untrainable`).
 *
 * Policies (the `trainable` hyperparameter):
 * - `all`: every tensor llama.cpp can train.
 * - `last_layers:N`: the last N transformer blocks, the final norm and an untied output matrix.
 * - `attention`: the attention projections that train (q and output) of every block.
 * - `norms`: every RMS-norm weight (a few thousand numbers; the backward pass still runs through every block).
 */
import { z } from "zod";

export type TrainablePolicy =
  | { kind: "all" }
  | { kind: "last_layers"; layers: number }
  | { kind: "attention" }
  | { kind: "norms" };

/**
 * The default for local jobs (measurements in docs/customization.md). On SmolLM2 (30-32 blocks) full
 * weights do not fit llama.cpp's graph; 8 blocks train 4x the parameters of 2 blocks for ~1.35x the
 * time per token (the tied head's forward and backward is a fixed cost), while 16 cost another 1.25x
 * and sit at the graph limit. On models of 8 blocks or fewer (stories260K) it trains every block.
 */
export const DEFAULT_TRAINABLE = "last_layers:8";

const pattern = /^(all|attention|norms|last_layers:([1-9]\d{0,3}))$/;

/** The hyperparameter as the API accepts it: a policy string, or `auto` for the default. */
export const trainableSchema = z
  .string()
  .refine((value) => value === "auto" || pattern.test(value), {
    message: "expected one of auto, all, attention, norms or last_layers:N (N from 1 to 9999).",
  });

export function parseTrainable(value: string): TrainablePolicy {
  const match = pattern.exec(value);
  if (!match) throw new Error(`Unknown trainable policy '${value}'.`);
  if (match[2] !== undefined) return { kind: "last_layers", layers: Number(match[2]) };
  return { kind: match[1] as "all" | "attention" | "norms" };
}

/**
 * Tensors llama.cpp's training cannot change, so marking them would only allocate AdamW moments for
 * nothing: `token_embd` and `rope_freqs` are skipped by llama_set_param itself (a FIXME there), and the
 * K and V projections get no gradient because their output reaches attention only through the KV
 * cache write, which passes none back (measured: their bytes come out unchanged under `all`).
 */
const untrainable = /^(token_embd\.weight|rope_freqs\.weight|blk\.\d+\.attn_(k|v)\.weight)$/;

const block = /^blk\.(\d+)\./;
const attention = /^blk\.\d+\.attn_(q|output)\.weight$/;
const norm = /_norm\.weight$/;

/**
 * Whether a tensor trains under a policy, by its GGUF name. `layerCount` is the model's number of
 * blocks; `last_layers:N` with N >= layerCount trains every block (and so equals `all` for llama
 * models, whose only tensors outside the blocks are the embedding and the head).
 */
export function isTrainable(policy: TrainablePolicy, name: string, layerCount: number): boolean {
  if (untrainable.test(name)) return false;
  switch (policy.kind) {
    case "all":
      return true;
    case "attention":
      return attention.test(name);
    case "norms":
      return norm.test(name);
    case "last_layers": {
      const match = block.exec(name);
      if (match) return Number(match[1]) >= layerCount - policy.layers;
      // Outside the blocks only the head is near the top: the final norm and an untied output matrix.
      return name.startsWith("output");
    }
  }
}
