import { readFileSync } from "node:fs";
import type { EventSourceMessage } from "eventsource-parser";
import type { StreamPart } from "../../../src/core/types.js";

const directory = new URL("../../../src/providers/gemini/__fixtures__/", import.meta.url);

export const fixtureJson = (name: string): unknown => JSON.parse(readFileSync(new URL(name, directory), "utf8"));

/** A `.chunks.txt` fixture (one SSE data payload a line) as parsed SSE events. */
export async function* fixtureEvents(name: string): AsyncGenerator<EventSourceMessage> {
  for (const line of readFileSync(new URL(name, directory), "utf8").split("\n")) {
    if (line.trim()) yield { data: line, event: undefined, id: undefined };
  }
}

export async function collect(parts: AsyncIterable<StreamPart> | Iterable<StreamPart>): Promise<StreamPart[]> {
  const out: StreamPart[] = [];
  for await (const part of parts) out.push(part);
  return out;
}
