/**
 * What a promotion needs from the evaluation runner (src/evaluations): run held-out examples
 * through several models with the given scorers, and answer per-model figures and per-row scores.
 * The adapter to the runner lives in evaluation-adapter.ts; tests of the gate can give their own.
 */
import type { Scorer } from "../evaluations/types.js";
import type { HeldOutExample } from "./held-out.js";

export interface EvaluationInput {
  projectId: string;
  name: string;
  examples: HeldOutExample[];
  models: string[];
  /** The model others are compared with (win rates). */
  baseline: string;
  scorers: Scorer[];
  seed: number;
  /** Sampling settings of every model call. */
  parameters?: { temperature?: number; max_tokens?: number };
}

export interface EvaluatedModel {
  model: string;
  rows: number;
  errors: number;
  quality: { mean: number; low: number; high: number };
  cost: { total_usd: number; per_request_usd: number };
  latency: { p50_ms: number; p90_ms: number };
}

export interface EvaluationOutput {
  evaluationId: string | null;
  models: EvaluatedModel[];
  /** One score (0..1) per example and model, in the order of `examples`; null where the model failed. */
  scores: Record<string, Array<number | null>>;
}

export type PromotionEvaluator = (input: EvaluationInput) => Promise<EvaluationOutput>;
