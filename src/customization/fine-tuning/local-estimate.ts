/**
 * What a local job trains and how long it takes: the tokens of the windows the trainer cuts (as
 * trainer/llama-trainer.ts does) at a speed that follows the base model's shape and the `trainable`
 * policy (training-cost.ts), unless `fine_tuning.local.tokens_per_second` fixes the speed.
 */
import { stat } from "node:fs/promises";
import { readGgufLayout } from "../trainer/gguf-dequantize.js";
import type { DatasetStatistics } from "../files/dataset-validation.js";
import type { ChatTemplateOverhead } from "./chat-template-overhead.js";
import type { TensorShape } from "./training-cost.js";

/**
 * Tokens per second per thread when the base model's file is not on this node (not pulled yet) or no model
 * is named (the estimates of an upload): the default local model's rate, SmolLM2-360M-Instruct Q8_0 under
 * the default `last_layers:8`, measured at 21.2 tokens/s on 2 threads (docs/customization.md).
 */
export const DEFAULT_MODEL_TOKENS_PER_SECOND_PER_THREAD = 10.6;

/** Where an estimate's speed came from: the config's override, the base model's shape, or the default model's rate. */
export type SpeedBasis = "configured" | "model" | "default";

/** llama.cpp rounds the training context up to a multiple of 256, and the trainer's windows take that length. */
export const trainingWindow = (contextSize: number) => Math.ceil(contextSize / 256) * 256;

/**
 * Tokens the trainer runs through for a dataset: its examples become one stream (BOS + text + EOS each;
 * a chat example as the base model's chat format renders it, when that format's `overhead` is known
 * and the statistics count the messages), repeated up to one window when shorter, cut into
 * half-overlapping windows, so every token is trained about twice per epoch and even a tiny dataset
 * costs a whole window.
 */
export function windowTokens(statistics: DatasetStatistics, epochs: number, window: number, overhead?: ChatTemplateOverhead): number {
  const framing =
    overhead && statistics.messages !== undefined
      ? statistics.examples * overhead.perExample + statistics.messages * overhead.perMessage
      : 2 * statistics.examples;
  const stream = Math.max(1, Math.round(statistics.totalTokens + framing));
  const padded = stream < window + 1 ? stream * Math.ceil((window + 1) / stream) : stream;
  const stride = Math.max(1, Math.floor(window / 2));
  const windows = Math.floor((padded - window - 1) / stride) + 1;
  return windows * window * epochs;
}

export interface ModelShape {
  tensors: TensorShape[];
  blockCount: number;
}

/** Model shapes by file, read once per file version: a header holds the whole vocabulary, so reading it takes a while. */
export class ModelShapes {
  private readonly cache = new Map<string, { version: string; shape: ModelShape }>();

  async read(path: string): Promise<ModelShape> {
    const stats = await stat(path);
    const version = `${stats.size}:${stats.mtimeMs}`;
    const cached = this.cache.get(path);
    if (cached?.version === version) return cached.shape;
    const layout = readGgufLayout(path);
    const shape = {
      tensors: layout.tensors.map((tensor) => ({ name: tensor.name, dims: tensor.dims.map(Number) })),
      blockCount: layout.blockCount ?? 0,
    };
    this.cache.set(path, { version, shape });
    return shape;
  }
}
