import { toSwitchyardError } from "../core/errors.js";
import { unixSeconds } from "../core/ids.js";
import type { FinishReason, Usage } from "../core/types.js";
import type { OutputItem } from "./output-items.js";
import type { ResponseCreateRequest } from "./schema.js";

export type ResponseStatus = "in_progress" | "completed" | "incomplete" | "failed";

/** The parts of a response object that echo the request: fixed when the response is created. */
export interface ResponseSettings {
  id: string;
  created_at: number;
  model: string;
  instructions: string | null;
  previous_response_id: string | null;
  tools: unknown[];
  tool_choice: unknown;
  parallel_tool_calls: boolean;
  text: { format: unknown; verbosity?: string };
  reasoning: { effort: string | null; summary: string | null };
  max_output_tokens: number | null;
  temperature: number | null;
  top_p: number | null;
  store: boolean;
  metadata: Record<string, string>;
  user: string | null;
  safety_identifier: string | null;
  truncation: string;
}

export interface ResponseOutcome {
  status: ResponseStatus;
  output: OutputItem[];
  usage?: Usage;
  error?: { code: string; message: string };
  incomplete?: "max_output_tokens" | "content_filter";
}

export function responseSettings(body: ResponseCreateRequest, id: string, now = Date.now()): ResponseSettings {
  return {
    id,
    created_at: unixSeconds(now),
    model: body.model,
    instructions: body.instructions ?? null,
    previous_response_id: body.previous_response_id ?? null,
    tools: body.tools ?? [],
    tool_choice: body.tool_choice ?? "auto",
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    text: { format: body.text?.format ?? { type: "text" }, ...(body.text?.verbosity && { verbosity: body.text.verbosity }) },
    reasoning: { effort: body.reasoning?.effort ?? null, summary: body.reasoning?.summary ?? body.reasoning?.generate_summary ?? null },
    max_output_tokens: body.max_output_tokens ?? null,
    temperature: body.temperature ?? null,
    top_p: body.top_p ?? null,
    store: body.store ?? true,
    metadata: body.metadata ?? {},
    user: body.user ?? null,
    safety_identifier: body.safety_identifier ?? null,
    truncation: body.truncation ?? "disabled",
  };
}

/** OpenAI's `response` object. */
export function responseObject(settings: ResponseSettings, outcome: ResponseOutcome): Record<string, unknown> {
  const { id, created_at, ...echo } = settings;
  return {
    id,
    object: "response",
    created_at,
    status: outcome.status,
    background: false,
    error: outcome.error ?? null,
    incomplete_details: outcome.incomplete ? { reason: outcome.incomplete } : null,
    output: outcome.output,
    usage: outcome.usage ? toResponseUsage(outcome.usage) : null,
    max_tool_calls: null,
    service_tier: "default",
    ...echo,
  };
}

/** How a finished stream ends: stop and tool calls complete; a length or content-filter stop is incomplete. */
export function outcomeOf(finish: FinishReason | undefined): Pick<ResponseOutcome, "status" | "incomplete" | "error"> {
  switch (finish?.unified) {
    case undefined:
    case "stop":
    case "tool-calls":
    case "other":
      return { status: "completed" };
    case "length":
      return { status: "incomplete", incomplete: "max_output_tokens" };
    case "content-filter":
      return { status: "incomplete", incomplete: "content_filter" };
    case "error":
      return { status: "failed", error: { code: "server_error", message: `The model stopped with an error${finish.raw ? ` (${finish.raw})` : ""}.` } };
  }
}

/** A failure as a failed response's `error`. */
export function failureOf(error: unknown): { code: string; message: string } {
  const failure = toSwitchyardError(error);
  return { code: failure.status >= 500 ? "server_error" : failure.openaiType, message: failure.message };
}

export function toResponseUsage(usage: Usage): Record<string, unknown> {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0 },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}
