import type { FinishReason, StreamPart } from "../../core/types.js";
import { convertBedrockUsage, mapBedrockStopReason } from "./finish-reason.js";
import type { ConverseResponse } from "./wire.js";

/**
 * A whole Converse body -> the parts a stream of it would have produced. With JSON output riding on
 * the forced tool, that tool's input is the answer text and `tool_use` means a normal stop.
 */
export function* converseResponseToParts(response: ConverseResponse, jsonTool?: string, jsonWrapped = false): Generator<StreamPart> {
  yield { type: "response-metadata" };
  let toolIndex = 0;
  let answeredAsJson = false;
  for (const block of response.output?.message?.content ?? []) {
    if (typeof block.text === "string" && block.text.length > 0) yield { type: "text-delta", text: block.text };
    else if (block.reasoningContent?.reasoningText) {
      const reasoning = block.reasoningContent.reasoningText;
      yield { type: "reasoning-delta", text: reasoning.text ?? "", ...(reasoning.signature && { signature: reasoning.signature }) };
    } else if (block.toolUse) {
      const input = JSON.stringify(block.toolUse.input ?? {});
      if (jsonTool !== undefined && block.toolUse.name === jsonTool) {
        answeredAsJson = true;
        yield { type: "text-delta", text: jsonWrapped ? unwrapJsonValue(input) : input };
        continue;
      }
      const index = toolIndex++;
      yield { type: "tool-call-start", index, id: block.toolUse.toolUseId, name: block.toolUse.name };
      yield { type: "tool-call-delta", index, argumentsDelta: input };
      yield { type: "tool-call-end", index };
    }
  }
  if (response.usage) yield { type: "usage", usage: convertBedrockUsage(response.usage) };
  yield { type: "finish", reason: finishFor(response.stopReason, answeredAsJson) };
}

/** The `value` of a wrapped JSON answer, as JSON text (the text itself when it is not readable). */
export function unwrapJsonValue(input: string): string {
  try {
    const parsed = JSON.parse(input) as { value?: unknown };
    return JSON.stringify(parsed.value ?? null);
  } catch {
    return input;
  }
}

export function finishFor(stopReason: string | null | undefined, answeredAsJson: boolean): FinishReason {
  if (answeredAsJson && stopReason === "tool_use") return { unified: "stop", raw: stopReason };
  return mapBedrockStopReason(stopReason);
}
