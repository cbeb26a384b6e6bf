import { readFileSync } from "node:fs";
import type { EventSourceMessage } from "eventsource-parser";
import type { StreamPart } from "../../../src/core/types.js";

const directory = new URL("../../../src/providers/anthropic/__fixtures__/", import.meta.url);

export const readFixture = (name: string) => readFileSync(new URL(name, directory), "utf8");

/** A `.chunks.txt` fixture (one data payload a line) as the SSE text Anthropic sends: `event:` named by `type`. */
export function fixtureSse(name: string): string {
  return readFixture(name)
    .split("\n")
    .filter((line) => line.trim().length > 0)
    .map((line) => `event: ${(JSON.parse(line) as { type: string }).type}\ndata: ${line}\n\n`)
    .join("");
}

export async function* fixtureEvents(name: string): AsyncGenerator<EventSourceMessage> {
  for (const line of readFixture(name).split("\n")) {
    if (line.trim().length === 0) continue;
    yield { event: (JSON.parse(line) as { type: string }).type, data: line, id: undefined };
  }
}

export async function collectParts(parts: AsyncIterable<StreamPart> | Iterable<StreamPart>): Promise<StreamPart[]> {
  const out: StreamPart[] = [];
  for await (const part of parts) out.push(part);
  return out;
}
