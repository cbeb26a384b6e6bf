import type { StreamPart } from "../../core/types.js";
import type { OpenaiCompletion } from "./wire.js";
import { convertOpenaiUsage, mapOpenaiFinishReason } from "./finish-reason.js";

/** A whole OpenAI chat completion -> the canonical parts a stream of it would have produced. */
export function* openaiCompletionToParts(completion: OpenaiCompletion): Generator<StreamPart> {
  yield {
    type: "response-metadata",
    id: completion.id ?? undefined,
    model: completion.model ?? undefined,
    created: completion.created ?? undefined,
  };
  const choice = completion.choices[0];
  const message = choice?.message;
  if (message?.reasoning_content) yield { type: "reasoning-delta", text: message.reasoning_content };
  if (message?.content) yield { type: "text-delta", text: message.content };
  if (message?.refusal) yield { type: "text-delta", text: message.refusal };
  const toolCalls = message?.tool_calls ?? [];
  for (let index = 0; index < toolCalls.length; index++) {
    const call = toolCalls[index]!;
    yield { type: "tool-call-start", index, id: call.id, name: call.function.name };
    if (call.function.arguments) yield { type: "tool-call-delta", index, argumentsDelta: call.function.arguments };
    yield { type: "tool-call-end", index };
  }
  if (completion.usage) yield { type: "usage", usage: convertOpenaiUsage(completion.usage) };
  yield { type: "finish", reason: mapOpenaiFinishReason(choice?.finish_reason ?? "stop") };
}
