/**
 * One stored chat request: what left the machine (after guardrail masking) and what came back,
 * with the facts of the call. `project_id` is "" for callers without a project (the master key,
 * anonymous), as in `routing_feedback`, so ratings join on (request_id, project_id).
 */
export interface RequestLogTable {
  id: string;
  request_id: string;
  project_id: string;
  key_id: string;
  /** Epoch milliseconds when the request arrived. */
  created_at: number;
  api: string;
  /** The public name called (a model or a deployment). */
  model: string;
  /** The deployment called, when one was. */
  deployment: string | null;
  /** The model the request was sent as (a deployment's variant, an auto model's tier). */
  routed_model: string | null;
  provider: string | null;
  upstream_model: string | null;
  tier: string | null;
  status: string;
  http_status: number;
  error_code: string | null;
  stream: number;
  cache_hit: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  latency_ms: number;
  ttft_ms: number | null;
  /** Values the guardrails masked in this request. */
  masked_values: number;
  /** The request as sent upstream, chat format JSON (masked); null when it never got that far. */
  request_json: string | null;
  /** The answer as it came back (text, tool calls, finish reason) JSON; placeholders left in. */
  response_json: string | null;
  /** The unmasked view, stored only where the policy allows it (docs/logs.md). */
  unmasked_request_json: string | null;
  unmasked_response_json: string | null;
  /** The masked request and answer text, for full-text search (FTS5 on SQLite, tsvector on PostgreSQL). */
  search_text: string;
}

/** A project's own logging settings; a null column inherits the `logging:` config. */
export interface LogSettingsTable {
  project_id: string;
  store_requests: number | null;
  retention_days: number | null;
  store_unmasked: number | null;
  updated_at: number;
}

declare module "../storage/database.js" {
  interface Database {
    request_logs: RequestLogTable;
    log_settings: LogSettingsTable;
  }
}
