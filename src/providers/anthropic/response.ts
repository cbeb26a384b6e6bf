import type { StreamPart } from "../../core/types.js";
import { convertAnthropicUsage, mapAnthropicStopReason } from "./finish-reason.js";
import { jsonToolText } from "./json-output.js";
import type { JsonTool } from "./request.js";
import type { AnthropicMessage } from "./wire.js";

/** A whole Messages API response -> the canonical parts a stream of it would have produced. */
export function* anthropicMessageToParts(message: AnthropicMessage, jsonTool?: JsonTool): Generator<StreamPart> {
  yield { type: "response-metadata", id: message.id ?? undefined, model: message.model ?? undefined };
  let answeredInJson = false;
  for (const [index, block] of message.content.entries()) {
    switch (block.type) {
      case "text":
        // In JSON mode the answer is the tool input; stray prose would corrupt it.
        if (block.text && !jsonTool?.forced) yield { type: "text-delta", text: block.text };
        break;
      case "thinking":
        yield { type: "reasoning-delta", text: block.thinking ?? "", ...(block.signature && { signature: block.signature }) };
        break;
      case "tool_use": {
        const input = JSON.stringify(block.input ?? {});
        if (jsonTool && block.name === jsonTool.name) {
          answeredInJson = true;
          yield { type: "text-delta", text: jsonToolText(input, jsonTool) };
          break;
        }
        yield { type: "tool-call-start", index, id: block.id ?? `toolu_${index}`, name: block.name ?? "" };
        yield { type: "tool-call-delta", index, argumentsDelta: input };
        yield { type: "tool-call-end", index };
        break;
      }
      default:
        // redacted_thinking, server tool blocks: nothing canonical to carry them.
        break;
    }
  }
  if (message.usage) yield { type: "usage", usage: convertAnthropicUsage(message.usage) };
  const reason = mapAnthropicStopReason(message.stop_reason);
  yield { type: "finish", reason: answeredInJson && reason.unified === "tool-calls" ? { unified: "stop", raw: reason.raw } : reason };
}
