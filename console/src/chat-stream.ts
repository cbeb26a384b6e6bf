import { createParser } from "eventsource-parser";
import { ApiError, getApiKey, type RouteDecision } from "./api";

/** What the playground sends besides model and messages (OpenAI chat completions fields). */
export interface ChatOptions {
  temperature?: number;
  max_tokens?: number;
  response_format?: { type: "json_object" } | { type: "json_schema"; json_schema: { name: string; schema: unknown; strict?: boolean } };
  tools?: unknown[];
}

export interface ToolCall {
  id?: string;
  name: string;
  arguments: string;
}

/** One answer's figures: timing measured in the browser, tokens from the stream's final usage chunk. */
export interface ChatStats {
  ttftMs?: number;
  totalMs: number;
  inputTokens?: number;
  cachedInputTokens?: number;
  outputTokens?: number;
  finishReason?: string;
  toolCalls: ToolCall[];
  provider?: string | null;
  /** `x-request-id`: what `POST /v1/feedback` rates. */
  requestId?: string | null;
  /** Present only for `type: auto` models. */
  route?: RouteDecision;
}

interface StreamChunk {
  error?: { message: string };
  choices?: Array<{
    delta?: { content?: string | null; tool_calls?: Array<{ index: number; id?: string; function?: { name?: string; arguments?: string } }> };
    finish_reason?: string | null;
  }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } | null } | null;
}

function routeDecision(response: Response): RouteDecision | undefined {
  const tier = response.headers.get("x-switchyard-route-decision");
  if (!tier) return undefined;
  return {
    tier,
    score: Number(response.headers.get("x-switchyard-route-score")),
    threshold: Number(response.headers.get("x-switchyard-route-threshold")),
  };
}

async function refusal(response: Response): Promise<ApiError> {
  const text = await response.text();
  let message = `HTTP ${response.status}`;
  try {
    message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
  } catch {
    // Not JSON (a proxy's page): the status says enough.
  }
  return new ApiError(response.status, message);
}

/**
 * Streams one chat completion: `onText` gets each content delta; resolves with timing, usage and the tool
 * calls put together from their deltas. An error event in the stream rejects with its message.
 */
export async function streamCompletion(
  model: string,
  messages: Array<{ role: string; content: string }>,
  options: ChatOptions,
  onText: (text: string) => void,
  signal?: AbortSignal,
): Promise<ChatStats> {
  const started = performance.now();
  const key = getApiKey();
  const response = await fetch("/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json", ...(key && { authorization: `Bearer ${key}` }) },
    body: JSON.stringify({ model, messages, ...options, stream: true, stream_options: { include_usage: true } }),
    signal,
  });
  if (!response.ok || !response.body) throw await refusal(response);
  const stats: ChatStats = {
    totalMs: 0,
    toolCalls: [],
    provider: response.headers.get("x-switchyard-provider"),
    requestId: response.headers.get("x-request-id"),
    route: routeDecision(response),
  };
  let failure: string | undefined;
  const parser = createParser({
    onEvent(event) {
      if (event.data === "[DONE]") return;
      const chunk = JSON.parse(event.data) as StreamChunk;
      if (chunk.error) failure = chunk.error.message;
      const choice = chunk.choices?.[0];
      const text = choice?.delta?.content;
      if (text) {
        stats.ttftMs ??= performance.now() - started;
        onText(text);
      }
      for (const part of choice?.delta?.tool_calls ?? []) {
        stats.ttftMs ??= performance.now() - started;
        const call = (stats.toolCalls[part.index] ??= { name: "", arguments: "" });
        if (part.id) call.id = part.id;
        if (part.function?.name) call.name += part.function.name;
        if (part.function?.arguments) call.arguments += part.function.arguments;
      }
      if (choice?.finish_reason) stats.finishReason = choice.finish_reason;
      if (chunk.usage) {
        stats.inputTokens = chunk.usage.prompt_tokens;
        stats.outputTokens = chunk.usage.completion_tokens;
        stats.cachedInputTokens = chunk.usage.prompt_tokens_details?.cached_tokens ?? 0;
      }
    },
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(value);
  }
  stats.totalMs = performance.now() - started;
  if (failure) throw new ApiError(502, failure);
  return stats;
}

/** Output tokens per second after the first token (the generation speed, not counting the wait). */
export function tokensPerSecond(stats: ChatStats): number | undefined {
  if (stats.outputTokens === undefined || stats.ttftMs === undefined) return undefined;
  const generatingMs = stats.totalMs - stats.ttftMs;
  if (generatingMs <= 0) return undefined;
  return stats.outputTokens / (generatingMs / 1000);
}

/** List-price cost of one answer in USD, from the catalog's prices per 1M tokens (cached input at its own price). */
export function answerCost(stats: ChatStats, pricing: { input: number; output: number; cached_input: number } | undefined): number | undefined {
  if (!pricing || stats.inputTokens === undefined || stats.outputTokens === undefined) return undefined;
  const cached = Math.min(stats.cachedInputTokens ?? 0, stats.inputTokens);
  return ((stats.inputTokens - cached) * pricing.input + cached * pricing.cached_input + stats.outputTokens * pricing.output) / 1_000_000;
}
