/**
 * The shapes `/admin/evaluations` answers with are the server's own (src/evaluations/types.ts names its
 * fields as the API does): imported as types only, so nothing of the server reaches the bundle.
 */
import type { EvaluationRecord } from "../../../../src/evaluations/types";

export type { EvaluationRecord, Interval, ModelSummary, EvaluationResultRow as ResultRow } from "../../../../src/evaluations/types";

export const isRunning = (record: EvaluationRecord) => record.status === "queued" || record.status === "running";

export function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

export function usd(value: number): string {
  return value === 0 ? "$0" : value < 0.01 ? `$${value.toPrecision(3)}` : `$${value.toFixed(4)}`;
}
