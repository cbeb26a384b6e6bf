/** The shapes `/admin/evaluations` answers with (src/evaluations/types.ts on the server). */
export interface Interval {
  mean: number;
  low: number;
  high: number;
  method: "wilson" | "bootstrap" | "none";
  count: number;
}

export interface ModelSummary {
  model: string;
  rows: number;
  errors: number;
  quality: Interval;
  scores: Record<string, Interval>;
  win_rate?: Interval & { wins: number; ties: number; losses: number };
  cost: { total_usd: number; per_request_usd: number };
  latency: { p50_ms: number; p90_ms: number };
  tokens: { input: number; output: number };
}

export interface EvaluationRecord {
  id: string;
  project_id: string;
  name: string | null;
  status: "queued" | "running" | "completed" | "failed" | "cancelled";
  created_at: number;
  finished_at: number | null;
  progress: { done: number; total: number };
  spec: { models: string[]; scorers: Array<{ type: string; name?: string; model?: string; mode?: string }>; baseline?: string; confidence: number };
  summary: {
    rows: number;
    confidence: number;
    baseline?: string;
    models: ModelSummary[];
    judge: { calls: number; errors: number; cost_usd: number };
  } | null;
  error: { code: string; message: string } | null;
}

export interface ResultRow {
  row: number;
  model: string;
  request_id: string;
  output: string | null;
  error: { code: string; message: string } | null;
  latency_ms: number;
  cost_usd: number;
  scores: Record<string, number | null>;
  quality: number | null;
  win: number | null;
}

export const isRunning = (record: EvaluationRecord) => record.status === "queued" || record.status === "running";

export function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

export function usd(value: number): string {
  return value === 0 ? "$0" : value < 0.01 ? `$${value.toPrecision(3)}` : `$${value.toFixed(4)}`;
}
