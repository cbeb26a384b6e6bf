import type { FinishReason, Usage } from "../../core/types.js";
import type { BedrockUsage } from "./wire.js";

export function mapBedrockStopReason(raw: string | null | undefined): FinishReason {
  switch (raw) {
    case "end_turn":
    case "stop_sequence":
      return { unified: "stop", raw };
    case "max_tokens":
    case "model_context_window_exceeded":
      return { unified: "length", raw };
    case "tool_use":
      return { unified: "tool-calls", raw };
    case "guardrail_intervened":
    case "content_filtered":
      return { unified: "content-filter", raw };
    case null:
    case undefined:
      return { unified: "other" };
    default:
      return { unified: "other", raw };
  }
}

/** Bedrock counts cache reads and writes apart from inputTokens; canonical input includes them. */
export function convertBedrockUsage(usage: BedrockUsage): Usage {
  const cacheRead = usage.cacheReadInputTokens ?? 0;
  const cacheWrite = usage.cacheWriteInputTokens ?? 0;
  const result: Usage = { inputTokens: (usage.inputTokens ?? 0) + cacheRead + cacheWrite, outputTokens: usage.outputTokens ?? 0 };
  if (cacheRead) result.cachedInputTokens = cacheRead;
  if (cacheWrite) result.cacheWriteInputTokens = cacheWrite;
  return result;
}
