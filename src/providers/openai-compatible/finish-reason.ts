import type { FinishReason, Usage } from "../../core/types.js";
import type { OpenaiUsage } from "./wire.js";

export function mapOpenaiFinishReason(raw: string | null | undefined): FinishReason {
  switch (raw) {
    case "stop":
      return { unified: "stop", raw };
    case "length":
      return { unified: "length", raw };
    case "tool_calls":
    case "function_call":
      return { unified: "tool-calls", raw };
    case "content_filter":
      return { unified: "content-filter", raw };
    case null:
    case undefined:
      return { unified: "other" };
    default:
      return { unified: "other", raw };
  }
}

export function convertOpenaiUsage(usage: OpenaiUsage): Usage {
  const result: Usage = {
    inputTokens: usage.prompt_tokens ?? 0,
    outputTokens: usage.completion_tokens ?? 0,
  };
  const cached = usage.prompt_tokens_details?.cached_tokens;
  if (cached) result.cachedInputTokens = cached;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens;
  if (reasoning) result.reasoningTokens = reasoning;
  return result;
}
