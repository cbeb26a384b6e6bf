/** The promotion gate: pure arithmetic over the evaluation's figures, so a refusal can show every number. */
import type { GateCheck, GateOutcome, ModelFigures, PromotionRequest } from "./types.js";

const round = (value: number) => Math.round(value * 1e6) / 1e6;

export function applyGate(gate: PromotionRequest["gate"], figures: readonly ModelFigures[]): GateOutcome {
  const candidate = figures.find((model) => model.role === "candidate");
  const strong = figures.find((model) => model.role === "strong");
  const weak = figures.find((model) => model.role === "weak");
  if (!candidate || !strong) throw new Error("the evaluation must report the candidate and the strong model");
  const checks: GateCheck[] = [];
  const scored = candidate.rows - candidate.errors;
  checks.push({
    name: "min_rows",
    passed: scored >= gate.min_rows,
    value: scored,
    required: gate.min_rows,
    message: `${scored} held-out example(s) answered by the candidate; the gate needs at least ${gate.min_rows}.`,
  });
  const required = round(gate.min_quality_share * strong.quality.mean);
  checks.push({
    name: "quality_share",
    passed: candidate.quality.mean >= required,
    value: round(candidate.quality.mean),
    required,
    message: `Candidate quality ${candidate.quality.mean.toFixed(3)} against ${required.toFixed(3)} (${gate.min_quality_share} of the strong model's ${strong.quality.mean.toFixed(3)}).`,
  });
  checks.push({
    name: "lower_cost",
    passed: candidate.cost_per_request_usd < strong.cost_per_request_usd,
    value: candidate.cost_per_request_usd,
    required: strong.cost_per_request_usd,
    message: `Candidate cost per request $${candidate.cost_per_request_usd.toFixed(6)} must be below the strong model's $${strong.cost_per_request_usd.toFixed(6)}.`,
  });
  if (weak && gate.not_worse_than_weak) {
    checks.push({
      name: "not_worse_than_weak",
      passed: candidate.quality.mean >= weak.quality.mean,
      value: round(candidate.quality.mean),
      required: round(weak.quality.mean),
      message: `Candidate quality ${candidate.quality.mean.toFixed(3)} must not fall below the current weak tier's ${weak.quality.mean.toFixed(3)} (${weak.model}).`,
    });
  }
  return { passed: checks.every((check) => check.passed), checks };
}
