import type { EventSourceMessage } from "eventsource-parser";
import { SwitchyardError } from "../../core/errors.js";
import { createId } from "../../core/ids.js";
import type { FinishReason, StreamPart } from "../../core/types.js";
import { chunkSchema } from "./wire.js";
import { convertOpenaiUsage, mapOpenaiFinishReason } from "./finish-reason.js";
import { safeJson } from "../shared/parts.js";

/**
 * OpenAI chat-completion SSE events -> canonical stream parts. Only choice 0 is read (n=1).
 * A stream that ends without `[DONE]` or a finish reason is reported as interrupted, never as a clean end.
 */
export async function* openaiEventsToParts(
  events: AsyncIterable<EventSourceMessage>,
  provider: string,
  signal?: AbortSignal,
): AsyncGenerator<StreamPart> {
  const openToolCalls = new Set<number>();
  let finish: FinishReason | undefined;
  let sawDone = false;
  let sentMetadata = false;
  try {
    for await (const event of events) {
      if (event.data === "[DONE]") {
        sawDone = true;
        break;
      }
      const parsed = chunkSchema.safeParse(safeJson(event.data));
      if (!parsed.success) {
        yield errorPart(provider, "SWY_ERR_UPSTREAM_ERROR", `invalid stream chunk: ${event.data.slice(0, 200)}`);
        return;
      }
      const chunk = parsed.data;
      if (chunk.error) {
        yield errorPart(provider, "SWY_ERR_UPSTREAM_ERROR", chunk.error.message ?? "error event in stream");
        return;
      }
      if (!sentMetadata) {
        sentMetadata = true;
        yield {
          type: "response-metadata",
          id: chunk.id ?? undefined,
          model: chunk.model ?? undefined,
          created: chunk.created ?? undefined,
        };
      }
      const choice = chunk.choices?.find((candidate) => (candidate.index ?? 0) === 0);
      const delta = choice?.delta;
      if (delta?.reasoning_content) yield { type: "reasoning-delta", text: delta.reasoning_content };
      if (delta?.content) yield { type: "text-delta", text: delta.content };
      if (delta?.refusal) yield { type: "text-delta", text: delta.refusal };
      for (const call of delta?.tool_calls ?? []) {
        const index = call.index ?? 0;
        if (!openToolCalls.has(index)) {
          openToolCalls.add(index);
          yield {
            type: "tool-call-start",
            index,
            id: call.id ?? createId("call_"),
            name: call.function?.name ?? "",
          };
        }
        const argumentsDelta = call.function?.arguments;
        if (argumentsDelta) yield { type: "tool-call-delta", index, argumentsDelta };
      }
      if (choice?.finish_reason) finish = mapOpenaiFinishReason(choice.finish_reason);
      if (chunk.usage) yield { type: "usage", usage: convertOpenaiUsage(chunk.usage) };
    }
  } catch (error) {
    if (signal?.aborted) return;
    yield errorPart(provider, "SWY_ERR_STREAM_INTERRUPTED", `stream broke off: ${(error as Error).message}`);
    return;
  }
  if (!sawDone && finish === undefined) {
    if (signal?.aborted) return;
    yield errorPart(provider, "SWY_ERR_STREAM_INTERRUPTED", "stream ended before the response was complete");
    return;
  }
  for (const index of openToolCalls) yield { type: "tool-call-end", index };
  yield { type: "finish", reason: finish ?? { unified: "stop" } };
}


function errorPart(
  provider: string,
  code: "SWY_ERR_UPSTREAM_ERROR" | "SWY_ERR_STREAM_INTERRUPTED",
  message: string,
): StreamPart {
  return { type: "error", error: new SwitchyardError(code, `${provider}: ${message}`, { upstream: { provider } }) };
}
