import type { FinishReason, Usage } from "../../core/types.js";

/** Canonical finish reason -> Anthropic stop_reason; Anthropic's own raw values pass through. */
export function toAnthropicStopReason(reason: FinishReason): string {
  switch (reason.unified) {
    case "length":
      return "max_tokens";
    case "tool-calls":
      return "tool_use";
    case "content-filter":
      return "refusal";
    case "stop":
      return reason.raw === "stop_sequence" ? "stop_sequence" : "end_turn";
    case "error":
    case "other":
      return reason.raw === "pause_turn" ? "pause_turn" : "end_turn";
  }
}

/** Anthropic reports cache reads and writes apart from input_tokens; the canonical count includes them. */
export function toAnthropicUsage(usage: Usage | undefined): Record<string, number> {
  const cacheRead = usage?.cachedInputTokens ?? 0;
  const cacheWrite = usage?.cacheWriteInputTokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.inputTokens ?? 0) - cacheRead - cacheWrite),
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
    output_tokens: usage?.outputTokens ?? 0,
  };
}
