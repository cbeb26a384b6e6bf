import type { FinishReason, Usage } from "../../core/types.js";
import type { AnthropicUsage } from "./wire.js";

export function mapAnthropicStopReason(raw: string | null | undefined): FinishReason {
  switch (raw) {
    case "end_turn":
    case "stop_sequence":
      return { unified: "stop", raw };
    case "max_tokens":
    case "model_context_window_exceeded":
      return { unified: "length", raw };
    case "tool_use":
      return { unified: "tool-calls", raw };
    case "refusal":
      return { unified: "content-filter", raw };
    case null:
    case undefined:
      return { unified: "other" };
    default:
      // pause_turn and anything newer: the turn is not a plain stop.
      return { unified: "other", raw };
  }
}

/**
 * Anthropic counts cache reads and writes apart from `input_tokens`; the canonical `inputTokens`
 * includes them so that every provider's totals compare.
 */
export function convertAnthropicUsage(usage: AnthropicUsage): Usage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  const result: Usage = {
    inputTokens: (usage.input_tokens ?? 0) + cacheRead + cacheWrite,
    outputTokens: usage.output_tokens ?? 0,
  };
  if (cacheRead) result.cachedInputTokens = cacheRead;
  if (cacheWrite) result.cacheWriteInputTokens = cacheWrite;
  return result;
}

/** Later usage reports (message_delta) overwrite earlier ones field by field; absent fields keep theirs. */
export function mergeAnthropicUsage(base: AnthropicUsage, update: AnthropicUsage): AnthropicUsage {
  return {
    input_tokens: update.input_tokens ?? base.input_tokens,
    output_tokens: update.output_tokens ?? base.output_tokens,
    cache_creation_input_tokens: update.cache_creation_input_tokens ?? base.cache_creation_input_tokens,
    cache_read_input_tokens: update.cache_read_input_tokens ?? base.cache_read_input_tokens,
  };
}
