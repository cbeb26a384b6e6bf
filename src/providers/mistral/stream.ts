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
  return withMistralFinishReasons(openaiEventsToParts(flattenEvents(events), provider, signal));
}

async function* flattenEvents(events: AsyncIterable<EventSourceMessage>): AsyncGenerator<EventSourceMessage> {
  for await (const event of events) {
    if (event.data === "[DONE]" || !event.data.includes('"content":[')) {
      yield event;
      continue;
    }
    try {
      yield { ...event, data: JSON.stringify(flattenMistralContent(JSON.parse(event.data))) };
    } catch {
      yield event;
    }
  }
}
