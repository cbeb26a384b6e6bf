import type { ChatResponse } from "../../core/types.js";
import { toOpenaiFinishReason, toOpenaiUsage } from "./finish-reason.js";

/** Canonical response -> OpenAI chat.completion object. */
export function toChatCompletion(
  response: ChatResponse,
  meta: { id: string; model: string; created: number },
): Record<string, unknown> {
  let text = "";
  let reasoning = "";
  const toolCalls: Array<Record<string, unknown>> = [];
  for (const part of response.content) {
    if (part.type === "text") text += part.text;
    else if (part.type === "reasoning") reasoning += part.text;
    else toolCalls.push({ id: part.id, type: "function", function: { name: part.name, arguments: part.arguments } });
  }
  const message: Record<string, unknown> = {
    role: "assistant",
    content: text.length > 0 || toolCalls.length === 0 ? text : null,
    refusal: null,
  };
  if (reasoning) message.reasoning_content = reasoning;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    id: meta.id,
    object: "chat.completion",
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: toOpenaiFinishReason(response.finishReason) }],
    ...(response.usage && { usage: toOpenaiUsage(response.usage) }),
    system_fingerprint: null,
  };
}
