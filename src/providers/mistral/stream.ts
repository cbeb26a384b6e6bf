import type { EventSourceMessage } from "eventsource-parser";
import type { StreamPart } from "../../core/types.js";
import { openaiEventsToParts } from "../openai-compatible/stream.js";
import { withMistralFinishReasons } from "./finish-reason.js";
import { flattenMistralContent } from "./response.js";

/** Mistral SSE (OpenAI's framing, `data: [DONE]` at the end, usage in the last chunk) -> canonical parts. */
export function mistralEventsToParts(
  events: AsyncIterable<EventSourceMessage>,
  provider: string,
  signal?: AbortSignal,
): AsyncIterable<StreamPart> {
  return withMistralFinishReasons(openaiEventsToParts(normaliseEvents(events), provider, signal));
}

/**
 * Mistral sends each tool call whole, with its id, and its `index` cannot be relied on to tell
 * calls apart; the index is re-derived from the id. Chunked content is flattened to strings.
 */
async function* normaliseEvents(events: AsyncIterable<EventSourceMessage>): AsyncGenerator<EventSourceMessage> {
  const indexById = new Map<string, number>();
  for await (const event of events) {
    if (event.data === "[DONE]" || !(event.data.includes('"content":[') || event.data.includes('"tool_calls":['))) {
      yield event;
      continue;
    }
    let json: unknown;
    try {
      json = flattenMistralContent(JSON.parse(event.data));
    } catch {
      yield event;
      continue;
    }
    for (const choice of (json as { choices?: Array<{ delta?: { tool_calls?: Array<{ id?: unknown; index?: unknown }> } }> }).choices ?? []) {
      for (const call of choice.delta?.tool_calls ?? []) {
        if (typeof call.id !== "string" || call.id === "") continue;
        if (!indexById.has(call.id)) indexById.set(call.id, indexById.size);
        call.index = indexById.get(call.id);
      }
    }
    yield { ...event, data: JSON.stringify(json) };
  }
}
