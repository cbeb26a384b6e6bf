import { readFileSync } from "node:fs";
import type { StreamPart } from "../../../src/core/types.js";
import { eventStreamCodec } from "../../../src/providers/bedrock/event-stream.js";

const directory = new URL("../../../src/providers/bedrock/__fixtures__/", import.meta.url);

export const fixtureJson = (name: string): unknown => JSON.parse(readFileSync(new URL(name, directory), "utf8"));

const str = (value: string) => ({ type: "string" as const, value });

/**
 * A `.chunks.txt` fixture (one event-stream message a line: `{"event": type, payload}` or
 * `{"exception": type, payload}`) encoded to the binary wire format, as one buffer.
 */
export function fixtureBytes(name: string): Buffer {
  const frames = readFileSync(new URL(name, directory), "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => {
      const { event, exception, payload } = JSON.parse(line) as { event?: string; exception?: string; payload: unknown };
      const headers: Record<string, { type: "string"; value: string }> = exception
        ? { ":exception-type": str(exception), ":content-type": str("application/json"), ":message-type": str("exception") }
        : { ":event-type": str(event!), ":content-type": str("application/json"), ":message-type": str("event") };
      return eventStreamCodec().encode({ headers, body: new TextEncoder().encode(JSON.stringify(payload)) });
    });
  return Buffer.concat(frames);
}

/** Splits bytes into pieces of `size`, so that frames straddle network chunks. */
export async function* inPieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let index = 0; index < bytes.length; index += size) yield bytes.subarray(index, index + size);
}

export async function collect(parts: AsyncIterable<StreamPart> | Iterable<StreamPart>): Promise<StreamPart[]> {
  const out: StreamPart[] = [];
  for await (const part of parts) out.push(part);
  return out;
}
