import type { FinishReason, Usage } from "../../core/types.js";
import type { GeminiUsageMetadata } from "./wire.js";

const contentFilterReasons = new Set([
  "SAFETY",
  "RECITATION",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
]);

/**
 * Gemini reports `STOP` even when the turn ended in function calls; the caller passes whether
 * any call was seen so that clients waiting for `tool_calls` run their tools.
 */
export function mapGeminiFinishReason(raw: string | null | undefined, sawToolCall: boolean): FinishReason {
  if (raw === null || raw === undefined) return { unified: sawToolCall ? "tool-calls" : "other" };
  if (sawToolCall && (raw === "STOP" || raw === "FINISH_REASON_UNSPECIFIED")) return { unified: "tool-calls", raw };
  if (raw === "STOP") return { unified: "stop", raw };
  if (raw === "MAX_TOKENS") return { unified: "length", raw };
  if (contentFilterReasons.has(raw)) return { unified: "content-filter", raw };
  if (raw === "MALFORMED_FUNCTION_CALL" || raw === "UNEXPECTED_TOOL_CALL") return { unified: "error", raw };
  return { unified: "other", raw };
}

/** Gemini counts thoughts apart from candidates; canonical output tokens include reasoning. */
export function convertGeminiUsage(usage: GeminiUsageMetadata): Usage {
  const thoughts = usage.thoughtsTokenCount ?? 0;
  const result: Usage = {
    inputTokens: (usage.promptTokenCount ?? 0) + (usage.toolUsePromptTokenCount ?? 0),
    outputTokens: (usage.candidatesTokenCount ?? 0) + thoughts,
  };
  if (usage.cachedContentTokenCount) result.cachedInputTokens = usage.cachedContentTokenCount;
  if (thoughts) result.reasoningTokens = thoughts;
  return result;
}
