import { createParser, type EventSourceMessage } from "eventsource-parser";

/**
 * Reads Server-Sent Events from a byte stream with a real parser. Yields each event as it is
 * complete; no buffering beyond the event being parsed.
 */
export async function* readServerSentEvents(
  body: AsyncIterable<Uint8Array | string>,
): AsyncGenerator<EventSourceMessage> {
  const pending: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => pending.push(event) });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    parser.feed(typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true }));
    while (pending.length > 0) yield pending.shift()!;
  }
  parser.feed(decoder.decode());
  // A final event without its blank line is incomplete by the SSE spec and is dropped by the parser.
  while (pending.length > 0) yield pending.shift()!;
}
