/**
 * How fast the local trainer goes through tokens, from a model's tensor table and the `trainable`
 * policy, so a time estimate scales with the model instead of assuming one speed for every model
 * (the measured rates run from ~10 tokens/s per thread for SmolLM2-360M to ~700 for stories260K).
 *
 * The cost model counts the multiply-adds one training token needs (2 FLOPs each) and divides by
 * one calibrated CPU throughput, plus a fixed cost per token that only tiny models notice:
 *
 * - forward: every block's matrices and the output head (a tied head is the embedding matrix), and
 *   attention over the window (4 x window x query width per block);
 * - backward, activations: from the head down to the lowest block that holds a trained tensor (the
 *   backward pass stops there), through the matrices a gradient can cross (K and V pass none back:
 *   their output reaches attention through the KV cache write) and the attention over the window;
 * - backward, weights: once more the trained tensors' size.
 *
 * Calibration (docs/customization.md, "What to expect on 2 CPU cores"; CPU-time rates on a 2-core
 * AMD EPYC): SmolLM2-135M and -360M shapes with last_layers:16/8/2, the 135M width with 8 blocks under
 * `all` and last_layers:2, and stories260K under `all` on one thread. `test/customization/training-cost.test.ts`
 * holds every one of those figures and checks that the model stays within 1.5x of each.
 */
import { isTrainable, parseTrainable, type TrainablePolicy } from "../trainer/trainable-policy.js";

/** A tensor as a GGUF file lists it: its name and dimensions (columns first). */
export interface TensorShape {
  name: string;
  dims: readonly number[];
}

/** Matrix FLOPs per second one trainer thread sustains (fit on the SmolLM2 shapes, which show 8-15 G). */
export const FLOPS_PER_THREAD = 10.5e9;

/** Seconds per token that do not shrink with the model (graph setup, optimizer step, thread hand-offs; fit on stories260K). */
export const SECONDS_PER_TOKEN = 1.25e-3;

export interface TrainingCost {
  /** FLOPs of one token's forward pass. */
  forward: number;
  /** FLOPs of one token's backward pass (activations and weight gradients). */
  backward: number;
  /** Parameters the policy trains. */
  trainedParameters: number;
}

const elements = (tensor: TensorShape) => tensor.dims.reduce((product, dimension) => product * dimension, 1);
const blockOf = (name: string) => /^blk\.(\d+)\./.exec(name)?.[1];
const ALL: TrainablePolicy = { kind: "all" };

/** The FLOPs one training token costs for a model (by its tensor table) under a `trainable` policy. */
export function trainingCost(tensors: readonly TensorShape[], blockCount: number, trainable: string, contextSize: number): TrainingCost {
  const policy = parseTrainable(trainable);
  const head = tensors.find((tensor) => tensor.name === "output.weight") ?? tensors.find((tensor) => tensor.name === "token_embd.weight");
  const headSize = head ? elements(head) : 0;
  const blockMatrices = new Map<number, { all: number; crossed: number; attention: number }>();
  let trainedParameters = 0;
  let lowestTrainedBlock = Number.POSITIVE_INFINITY;
  for (const tensor of tensors) {
    if (isTrainable(policy, tensor.name, blockCount)) {
      trainedParameters += elements(tensor);
      const block = blockOf(tensor.name);
      if (block !== undefined) lowestTrainedBlock = Math.min(lowestTrainedBlock, Number(block));
    }
    const block = blockOf(tensor.name);
    if (block === undefined || tensor.dims.length < 2) continue;
    const entry = blockMatrices.get(Number(block)) ?? { all: 0, crossed: 0, attention: 0 };
    entry.all += elements(tensor);
    if (isTrainable(ALL, tensor.name, blockCount)) entry.crossed += elements(tensor);
    // Scores and weighted values span the whole window: 2 x 2 x window x query width per token.
    if (tensor.name.endsWith(".attn_q.weight")) entry.attention += 4 * contextSize * (tensor.dims[1] ?? 0);
    blockMatrices.set(Number(block), entry);
  }
  let forward = 2 * headSize;
  let backward = trainedParameters > 0 ? 2 * headSize + 2 * trainedParameters : 0;
  for (const [block, entry] of blockMatrices) {
    forward += 2 * entry.all + entry.attention;
    if (block >= lowestTrainedBlock) backward += 2 * entry.crossed + entry.attention;
  }
  return { forward, backward, trainedParameters };
}

/** Training tokens per second on `threads` threads (that the trainer has to itself) for a cost. */
export function tokensPerSecond(cost: TrainingCost, threads: number): number {
  return 1 / (SECONDS_PER_TOKEN + (cost.forward + cost.backward) / (FLOPS_PER_THREAD * threads));
}
