import { createRequire } from "node:module";
import type { EventStreamCodec } from "@smithy/eventstream-codec";

export interface EventStreamMessage {
  headers: Record<string, { type: string; value: unknown }>;
  body: Uint8Array;
}

// The Smithy codec (~0.6 MB of heap) loads with the first Bedrock stream, not with every gateway.
const require = createRequire(import.meta.url);
let codec: EventStreamCodec | undefined;

export function eventStreamCodec(): EventStreamCodec {
  if (codec) return codec;
  const { EventStreamCodec: Codec } = require("@smithy/eventstream-codec") as typeof import("@smithy/eventstream-codec");
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  return (codec = new Codec(
    (input: Uint8Array) => decoder.decode(input),
    (input: string) => encoder.encode(input),
  ));
}

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
      const message = eventStreamCodec().decode(buffer.subarray(0, length));
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
