import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { plainTextDelta } from "../../../src/providers/openai-compatible/plain-text-chunk.js";
import { OpenaiEventMapper } from "../../../src/providers/openai-compatible/stream.js";

const FIXTURES = "src/providers/openai-compatible/__fixtures__";

const recorded = readdirSync(FIXTURES)
  .filter((name) => name.endsWith(".chunks.txt"))
  .flatMap((name) => readFileSync(join(FIXTURES, name), "utf8").split("\n"))
  .map((line) => line.trim())
  .filter((line) => line.length > 0 && line !== "[DONE]");

const text = (content: string, tail = ',"usage":null}', choiceEnd = '},"logprobs":null,"finish_reason":null}]') =>
  `{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"content":"${content}"${choiceEnd}${tail}`;

/** Chunks the scanner must read, and near misses it must leave to the parse (or read the same). */
const crafted = [
  text("Hello"),
  text(""),
  text("caf\u00e9 \u{1F600} {braces} [brackets] \"quoted\""),
  text("line\\nbreak"),
  text("\\u00e9"),
  text("tab\there"),
  text("Hello", "}"),
  text("Hello", ',"obfuscation":"aZ3"}'),
  text("Hello", ',"usage":null,"obfuscation":"aZ3"}'),
  text("Hello", ',"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}'),
  text("Hello", ',"error":{"message":"overloaded"}}'),
  text("Hello", ',"choices":[]}'),
  text("Hello", ',"usage":null} '),
  text("Hello", ',"usage":null'),
  text("Hello", ',"usage":null}}'),
  text("Hello", '}', '},"finish_reason":null}]'),
  text("Hello", '}', '},"finish_reason":null,"logprobs":null}]'),
  text("Hello", '}', '},"logprobs":null,"finish_reason":"stop"}]'),
  text("Hello", '}', ',"role":"assistant"},"logprobs":null,"finish_reason":null}]'),
  text("Hello", '}', '},"logprobs":null,"finish_reason":null},{"index":1,"delta":{"content":"x"}}]'),
  '{"id":"c","choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}',
  '{"id":"c" "choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}',
  '{"id":"c",,"choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}',
  '{"created":1e3,"n":-0.5,"ok":true,"x":false,"y":null,"choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}',
  '{"created":01,"choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}',
  '{"meta":{"a":1},"choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}',
  '{"list":[1],"choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}',
  '{"usage":null,"choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}',
  '{"error":null,"choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}',
  '{"i\\"d":"c","choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}',
  '{"id":"a\\"b","choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}',
  '"choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}',
  '{"choices":[{"index":0,"delta":{"content":"Hi',
];

/** The parts the mapper gives for a chunk after the first one (which carries the response's metadata). */
function partsAfterFirst(data: string) {
  const mapper = new OpenaiEventMapper("up");
  mapper.event(recorded[0]!);
  return mapper.event(data);
}

describe("plainTextDelta", () => {
  it("reads what the parse reads, or leaves the chunk to the parse", () => {
    let read = 0;
    for (const data of [...recorded, ...crafted]) {
      const fast = plainTextDelta(data);
      if (fast === undefined) continue;
      read++;
      // The same chunk with a space after `{` is the same JSON, but the scanner refuses it: the parse reads it.
      const slow = partsAfterFirst(`{ ${data.slice(1)}`);
      expect(plainTextDelta(`{ ${data.slice(1)}`)).toBeUndefined();
      expect(slow, data).toEqual(fast.length > 0 ? [{ type: "text-delta", text: fast }] : []);
      expect(partsAfterFirst(data)).toEqual(slow);
    }
    expect(read).toBeGreaterThanOrEqual(12);
  });

  it("reads the common chunk shapes and refuses escapes, usage, errors, finish reasons, extra choices and broken JSON", () => {
    expect(plainTextDelta(text("Hello"))).toBe("Hello");
    expect(plainTextDelta(text(""))).toBe("");
    expect(plainTextDelta(text("Hello", ',"obfuscation":"aZ3"}'))).toBe("Hello");
    expect(plainTextDelta(text("Hello", "}", '},"finish_reason":null}]'))).toBe("Hello");
    expect(plainTextDelta(crafted[23]!)).toBe("Hi");
    for (const index of [3, 4, 5, 9, 10, 11, 12, 13, 14, 17, 18, 19, 21, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32]) {
      expect(plainTextDelta(crafted[index]!), crafted[index]).toBeUndefined();
    }
    const texts = recorded.map((line) => plainTextDelta(line)).filter((value) => value !== undefined && value.length > 0);
    expect(texts.length).toBeGreaterThanOrEqual(3);
  });

  it("gives the mapper the same parts as the parse, chunk by chunk, for every recorded stream", () => {
    for (const name of readdirSync(FIXTURES).filter((file) => file.endsWith(".chunks.txt"))) {
      const lines = readFileSync(join(FIXTURES, name), "utf8").split("\n").filter((line) => line.trim().length > 0);
      const scanned = new OpenaiEventMapper("up");
      const parsed = new OpenaiEventMapper("up");
      for (const line of lines) {
        // A space after `{` keeps every chunk off the scanner for the second mapper.
        const spaced = line.startsWith("{") ? `{ ${line.slice(1)}` : line;
        expect(stripIds(scanned.event(line)), `${name}: ${line}`).toEqual(stripIds(parsed.event(spaced)));
      }
      expect(stripIds(scanned.end())).toEqual(stripIds(parsed.end()));
    }
  });
});

/** Tool calls without an id get a fresh one on each mapper. */
function stripIds(parts: unknown[]): unknown[] {
  return JSON.parse(JSON.stringify(parts, (key, value: unknown) => (key === "id" && typeof value === "string" && value.startsWith("call_") ? "call" : value)));
}
