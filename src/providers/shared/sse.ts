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
  const chunks = body[Symbol.asyncIterator]();
  let ended = false;
  try {
    for (;;) {
      const next = await chunks.next();
      if (next.done) break;
      const chunk = next.value;
      parser.feed(typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true }));
      while (pending.length > 0) yield pending.shift()!;
    }
    ended = true;
  } finally {
    if (!ended) await stopReading(body, chunks);
  }
  parser.feed(decoder.decode());
  // A final event without its blank line is incomplete by the SSE spec and is dropped by the parser.
  while (pending.length > 0) yield pending.shift()!;
}

/**
 * The reader stopped before the body ended: usually at the provider's last event (`[DONE]`,
 * `message_stop`), whose bytes arrive together with the end of the body. Give the body this turn to
 * end by itself: destroying a body that has not ended builds an AbortError with a stack trace, a few
 * percent of a stream's CPU. A body that does not end that soon is destroyed as before.
 */
async function stopReading(body: AsyncIterable<Uint8Array | string>, chunks: AsyncIterator<Uint8Array | string>): Promise<void> {
  let timer: NodeJS.Immediate | undefined;
  const endedNow = await Promise.race([
    chunks.next().then(
      (next) => next.done === true,
      () => true,
    ),
    new Promise<false>((resolve) => {
      timer = setImmediate(() => resolve(false));
    }),
  ]);
  clearImmediate(timer);
  if (endedNow) return;
  const destroy = (body as { destroy?: () => void }).destroy;
  if (typeof destroy === "function") destroy.call(body);
  else await chunks.return?.();
}
