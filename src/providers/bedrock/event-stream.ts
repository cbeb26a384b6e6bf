import { EventStreamCodec } from "@smithy/eventstream-codec";

export interface EventStreamMessage {
  headers: Record<string, { type: string; value: unknown }>;
  body: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
export const eventStreamCodec = new EventStreamCodec(
  (input: Uint8Array) => decoder.decode(input),
  (input: string) => encoder.encode(input),
);

/**
 * Splits an `application/vnd.amazon.eventstream` byte stream into messages (each starts with its
 * total length, big-endian) and decodes each with the Smithy codec, which checks both CRCs.
 * A trailing partial message means the connection was cut; that is thrown, not swallowed.
 */
export async function* readEventStream(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<EventStreamMessage> {
  let buffer: Buffer = Buffer.alloc(0);
  for await (const chunk of body) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    buffer = buffer.length === 0 ? Buffer.from(bytes) : Buffer.concat([buffer, bytes]);
    while (buffer.length >= 4) {
      const length = buffer.readUInt32BE(0);
      if (length < 16) throw new Error(`event-stream message length ${length} is too small`);
      if (buffer.length < length) break;
      const message = eventStreamCodec.decode(buffer.subarray(0, length));
      buffer = buffer.subarray(length);
      yield message as EventStreamMessage;
    }
  }
  if (buffer.length > 0) throw new Error(`event stream ended inside a message (${buffer.length} bytes left)`);
}

export function headerString(message: EventStreamMessage, name: string): string | undefined {
  const value = message.headers[name]?.value;
  return typeof value === "string" ? value : undefined;
}
