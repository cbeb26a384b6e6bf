import type { FinishReason } from "../../core/types.js";

/** node-llama-cpp stop reasons -> the canonical finish reason. */
export function mapStopReason(stopReason: string): FinishReason {
  switch (stopReason) {
    case "eogToken":
    case "stopGenerationTrigger":
    case "customStopTrigger":
      return { unified: "stop", raw: stopReason };
    case "maxTokens":
      return { unified: "length", raw: stopReason };
    case "functionCalls":
      return { unified: "tool-calls", raw: stopReason };
    case "abort":
      return { unified: "other", raw: stopReason };
    default:
      return { unified: "other", raw: stopReason };
  }
}
