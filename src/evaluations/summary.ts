import { meanWithInterval, percentile } from "./statistics.js";
import type { EvaluationResultRow, EvaluationSummary, ModelSummary } from "./types.js";

export interface SummaryInput {
  results: readonly EvaluationResultRow[];
  models: readonly string[];
  /** Names of the scorers that score each answer on its own (not pairwise). */
  absoluteScorers: readonly string[];
  /** The baseline, when a pairwise judge ran. */
  baseline?: string;
  pairwise: boolean;
  rows: number;
  confidence: number;
  seed: number;
  judge: EvaluationSummary["judge"];
}

/** Per model side by side: quality and win rate with intervals, cost per request, latency percentiles, errors. */
export function summarize(input: SummaryInput): EvaluationSummary {
  const models = input.models.map((model, modelIndex) => modelSummary(input, model, modelIndex));
  return { rows: input.rows, confidence: input.confidence, ...(input.baseline === undefined ? {} : { baseline: input.baseline }), models, judge: input.judge };
}

function modelSummary(input: SummaryInput, model: string, modelIndex: number): ModelSummary {
  const rows = input.results.filter((row) => row.model === model);
  // Each interval draws its own stream from the seed, so adding a model never shifts another's.
  const seedOf = (offset: number) => (input.seed * 7919 + modelIndex * 104_729 + offset) >>> 0;
  const scores: ModelSummary["scores"] = {};
  input.absoluteScorers.forEach((name, index) => {
    const values = rows.flatMap((row) => (row.error === null && typeof row.scores[name] === "number" ? [row.scores[name]] : []));
    scores[name] = meanWithInterval(values, input.confidence, seedOf(index + 2));
  });
  const qualities = rows.flatMap((row) => (row.quality === null ? [] : [row.quality]));
  const answered = rows.filter((row) => row.error === null);
  const latencies = (answered.length > 0 ? answered : rows).map((row) => row.latency_ms);
  const total = rows.reduce((sum, row) => sum + row.cost_usd, 0);
  const summary: ModelSummary = {
    model,
    rows: rows.length,
    errors: rows.length - answered.length,
    quality: meanWithInterval(qualities, input.confidence, seedOf(0)),
    scores,
    cost: { total_usd: total, per_request_usd: rows.length === 0 ? 0 : total / rows.length },
    latency: { p50_ms: percentile(latencies, 0.5), p90_ms: percentile(latencies, 0.9) },
    tokens: { input: rows.reduce((sum, row) => sum + row.input_tokens, 0), output: rows.reduce((sum, row) => sum + row.output_tokens, 0) },
  };
  if (input.pairwise && model !== input.baseline) {
    const wins = rows.flatMap((row) => (row.win === null ? [] : [row.win]));
    summary.win_rate = {
      ...meanWithInterval(wins, input.confidence, seedOf(1)),
      wins: wins.filter((value) => value > 0.5).length,
      ties: wins.filter((value) => value === 0.5).length,
      losses: wins.filter((value) => value < 0.5).length,
    };
  }
  return summary;
}
