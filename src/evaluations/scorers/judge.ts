import type { Message } from "../../core/types.js";
import type { CallOutcome } from "../model-call.js";
import type { Judgement } from "../types.js";
import { absolutePrompt, pairwisePrompt, parseAbsoluteScore, parsePairwiseVerdict } from "./judge-prompts.js";

/** Calls the judge model with a prompt (at temperature 0); the runner supplies it, limited and marked. */
export type JudgeCall = (model: string, messages: Message[]) => Promise<CallOutcome>;

export interface JudgeCost {
  calls: number;
  errors: number;
  costUsd: number;
}

function account(cost: JudgeCost, outcome: CallOutcome): void {
  cost.calls++;
  cost.costUsd += outcome.costUsd;
}

/** A 0..1 score of one answer from the rubric; null (with the reason kept) when the judge failed or gave none. */
export async function judgeAbsolute(
  call: JudgeCall,
  cost: JudgeCost,
  judge: { name: string; model: string; rubric?: string },
  row: { question: string; reference?: string },
  answer: string,
): Promise<{ value: number | null; judgement: Judgement }> {
  const outcome = await call(judge.model, absolutePrompt(row.question, answer, row.reference, judge.rubric));
  account(cost, outcome);
  const value = outcome.text === null ? undefined : parseAbsoluteScore(outcome.text);
  if (value === undefined) cost.errors++;
  const error = outcome.error ? `${outcome.error.code}: ${outcome.error.message}` : value === undefined ? "the judge's answer holds no score" : undefined;
  return { value: value ?? null, judgement: { scorer: judge.name, verdicts: [{ answer: outcome.text, value: value ?? null, ...(error === undefined ? {} : { error }) }] } };
}

/**
 * The candidate against the baseline, asked twice with the answers' positions swapped: a judge
 * that always prefers the first (or second) answer then gives one win and one loss, which average
 * to a tie, so order bias cancels instead of favouring whichever model is shown first. Win 1,
 * tie 0.5, loss 0; when one order gives no verdict the other counts alone.
 */
export async function judgePairwise(
  call: JudgeCall,
  cost: JudgeCost,
  judge: { name: string; model: string; rubric?: string },
  row: { question: string; reference?: string },
  candidate: string,
  baseline: string,
): Promise<{ value: number | null; judgement: Judgement }> {
  const orders = [
    { order: "candidate_first" as const, first: candidate, second: baseline, candidateLetter: "A" },
    { order: "baseline_first" as const, first: baseline, second: candidate, candidateLetter: "B" },
  ];
  const verdicts = await Promise.all(
    orders.map(async (order) => {
      const outcome = await call(judge.model, pairwisePrompt(row.question, order.first, order.second, row.reference, judge.rubric));
      account(cost, outcome);
      const verdict = outcome.text === null ? undefined : parsePairwiseVerdict(outcome.text);
      if (verdict === undefined) cost.errors++;
      const value = verdict === undefined ? null : verdict === "TIE" ? 0.5 : verdict === order.candidateLetter ? 1 : 0;
      const error = outcome.error ? `${outcome.error.code}: ${outcome.error.message}` : verdict === undefined ? "the judge's answer names no winner" : undefined;
      return { order: order.order, answer: outcome.text, value, ...(error === undefined ? {} : { error }) };
    }),
  );
  const values = verdicts.flatMap((verdict) => (verdict.value === null ? [] : [verdict.value]));
  const value = values.length === 0 ? null : values.reduce((sum, item) => sum + item, 0) / values.length;
  return { value, judgement: { scorer: judge.name, verdicts } };
}
