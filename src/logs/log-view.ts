import type { LoggedRequest, LoggedResponse } from "./chat-format.js";
import type { LogRecord } from "./log-store.js";

/** How a stored request is shown: the project as callers know it ("default" for none), booleans as booleans. */
function base(row: LogRecord) {
  return {
    object: "request_log",
    id: row.id,
    request_id: row.request_id,
    project_id: row.project_id === "" ? "default" : row.project_id,
    key_id: row.key_id,
    created_at: row.created_at,
    api: row.api,
    model: row.model,
    deployment: row.deployment,
    routed_model: row.routed_model,
    provider: row.provider,
    upstream_model: row.upstream_model,
    tier: row.tier,
    status: row.status,
    http_status: row.http_status,
    error_code: row.error_code,
    stream: row.stream === 1,
    cache_hit: row.cache_hit === 1,
    input_tokens: row.input_tokens,
    output_tokens: row.output_tokens,
    cost_usd: row.cost_usd,
    latency_ms: row.latency_ms,
    ttft_ms: row.ttft_ms,
    masked_values: row.masked_values,
    feedback: row.feedback_score === null ? null : { score: row.feedback_score, comment: row.feedback_comment },
    unmasked_available: row.unmasked_request_json !== null || row.unmasked_response_json !== null,
  };
}

function parse<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

/** A short preview for tables: the last user message and the start of the answer. */
export function summaryView(row: LogRecord) {
  const request = parseSafe<LoggedRequest>(row.request_json);
  const response = parseSafe<LoggedResponse>(row.response_json);
  const lastUser = request?.messages.filter((message) => message.role === "user").at(-1)?.content ?? "";
  return { ...base(row), prompt_preview: lastUser.slice(0, 200), answer_preview: (response?.text ?? "").slice(0, 200) };
}

/** The whole record; the unmasked view only when asked for and allowed (see log-routes.ts). */
export function detailView(row: LogRecord, view: "masked" | "unmasked") {
  const unmasked = view === "unmasked";
  return {
    ...base(row),
    view,
    request: parseSafe<LoggedRequest>(unmasked ? (row.unmasked_request_json ?? row.request_json) : row.request_json),
    response: parseSafe<LoggedResponse>(unmasked ? (row.unmasked_response_json ?? row.response_json) : row.response_json),
  };
}

/** A text cut at `max_text_chars` is no longer JSON: it is shown as text rather than lost. */
function parseSafe<T>(text: string | null): T | null {
  try {
    return parse<T>(text);
  } catch {
    return null;
  }
}
