import { toSwitchyardError } from "../core/errors.js";
import type { AssistantContentPart, ChatResponse, StreamPart, ToolCallPart } from "../core/types.js";

/** Collects a canonical stream into a whole response. An `error` part is thrown. */
export async function collectStream(stream: AsyncIterable<StreamPart>): Promise<ChatResponse> {
  const response: ChatResponse = { content: [], finishReason: { unified: "other" }, warnings: [] };
  let text = "";
  let reasoning = "";
  let reasoningSignature: string | undefined;
  const toolCalls = new Map<number, ToolCallPart>();
  for await (const part of stream) {
    switch (part.type) {
      case "response-metadata":
        response.id ??= part.id;
        response.model ??= part.model;
        response.created ??= part.created;
        break;
      case "text-delta":
        text += part.text;
        break;
      case "reasoning-delta":
        reasoning += part.text;
        if (part.signature) reasoningSignature = part.signature;
        break;
      case "tool-call-start":
        toolCalls.set(part.index, { type: "tool-call", id: part.id, name: part.name, arguments: "" });
        break;
      case "tool-call-delta": {
        const call = toolCalls.get(part.index);
        if (call) call.arguments += part.argumentsDelta;
        break;
      }
      case "tool-call-end":
        break;
      case "usage":
        response.usage = part.usage;
        break;
      case "finish":
        response.finishReason = part.reason;
        break;
      case "warning":
        response.warnings.push(part.warning);
        break;
      case "error":
        throw toSwitchyardError(part.error);
    }
  }
  const content: AssistantContentPart[] = [];
  if (reasoning) content.push({ type: "reasoning", text: reasoning, signature: reasoningSignature });
  if (text) content.push({ type: "text", text });
  content.push(...[...toolCalls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call));
  response.content = content;
  return response;
}
