/** One evaluation: its spec, where it stands, and its summary once finished. */
export interface EvaluationTable {
  id: string;
  /** "default" for evaluations made without a project (the master key's own). */
  project_id: string;
  name: string | null;
  status: string;
  /** The validated spec, JSON. */
  spec: string;
  /** The key that started it ("evaluation" when started from code). */
  created_by: string;
  /** The node running it, so a restarted node can fail the ones it was running. */
  node_id: string | null;
  /** Epoch milliseconds. */
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  /** Written by the running node about once a second: a stale one means its node is gone. */
  updated_at: number;
  progress_done: number;
  progress_total: number;
  /** EvaluationSummary JSON, once finished. */
  summary: string | null;
  error_code: string | null;
  error_message: string | null;
}

/** One model's answer to one row, scored. */
export interface EvaluationResultTable {
  evaluation_id: string;
  project_id: string;
  row_index: number;
  model: string;
  request_id: string;
  output: string | null;
  error_code: string | null;
  error_message: string | null;
  latency_ms: number;
  cost_usd: number;
  input_tokens: number;
  output_tokens: number;
  /** Per scorer name: 0..1 or null, JSON. */
  scores: string;
  quality: number | null;
  win: number | null;
  /** Judges' verdicts, JSON. */
  judgements: string;
}

declare module "../storage/database.js" {
  interface Database {
    evaluations: EvaluationTable;
    evaluation_results: EvaluationResultTable;
  }
}
