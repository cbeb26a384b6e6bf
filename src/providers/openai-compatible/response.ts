import type { StreamPart } from "../../core/types.js";
import type { OpenaiCompletion } from "./wire.js";
import { convertOpenaiUsage, mapOpenaiFinishReason } from "./finish-reason.js";

/**
 * A whole OpenAI chat completion -> the canonical parts a stream of it would have produced. An array,
 * not a generator: every caller reads them all, and on the fast path a generator's objects were a
 * third of this function's cost.
 */
export function openaiCompletionToParts(completion: OpenaiCompletion): StreamPart[] {
  const parts: StreamPart[] = [];
  parts.push({
    type: "response-metadata",
    id: completion.id ?? undefined,
    model: completion.model ?? undefined,
    created: completion.created ?? undefined,
  });
  const choice = completion.choices[0];
  const message = choice?.message;
  if (message?.reasoning_content) parts.push({ type: "reasoning-delta", text: message.reasoning_content });
  if (message?.content) parts.push({ type: "text-delta", text: message.content });
  if (message?.refusal) parts.push({ type: "text-delta", text: message.refusal });
  const toolCalls = message?.tool_calls ?? [];
  for (let index = 0; index < toolCalls.length; index++) {
    const call = toolCalls[index]!;
    parts.push({ type: "tool-call-start", index, id: call.id, name: call.function.name });
    if (call.function.arguments) parts.push({ type: "tool-call-delta", index, argumentsDelta: call.function.arguments });
    parts.push({ type: "tool-call-end", index });
  }
  if (completion.usage) parts.push({ type: "usage", usage: convertOpenaiUsage(completion.usage) });
  parts.push({ type: "finish", reason: mapOpenaiFinishReason(choice?.finish_reason ?? "stop") });
  return parts;
}
