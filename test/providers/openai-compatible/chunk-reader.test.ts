import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { read, readChunk, textBetween } from "../../../src/providers/openai-compatible/chunk-reader.js";
import { OpenaiEventMapper } from "../../../src/providers/openai-compatible/stream.js";
import { seededRandom } from "../../helpers/seeded-random.js";

const FIXTURES = "src/providers/openai-compatible/__fixtures__";

const recordedStreams = readdirSync(FIXTURES)
  .filter((name) => name.endsWith(".chunks.txt"))
  .map((name) => ({ name, lines: readFileSync(join(FIXTURES, name), "utf8").split("\n").filter((line) => line.trim().length > 0) }));

const ENVELOPE = '{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","system_fingerprint":"fp_1",';
const text = (content: string, tail = ',"usage":null}', choiceEnd = '},"logprobs":null,"finish_reason":null}]') =>
  `${ENVELOPE}"choices":[{"index":0,"delta":{"content":"${content}"${choiceEnd}${tail}`;

/** Chunks on every edge the reader must read as the parse does, or leave to it. */
const crafted = [
  text("Hello"),
  text(""),
  text("caf\u00e9 \u{1F600} {braces} [brackets] \\\"quoted\\\""),
  text("line\\nbreak"),
  text("\\u00e9 \\ud83d\\ude00 \\ud800 lone"),
  text("bad \\x escape"),
  text("tab\there"),
  text("trailing backslash\\"),
  text("Hello", "}"),
  text("Hello", ',"obfuscation":"aZ3"}'),
  text("Hello", ',"usage":null,"obfuscation":"aZ3"}'),
  text("Hello", ',"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}'),
  text("Hello", ',"usage":{"prompt_tokens":1.5e1,"completion_tokens":null,"prompt_tokens_details":{"cached_tokens":7,"audio_tokens":0},"completion_tokens_details":null}}'),
  text("Hello", ',"usage":{"prompt_tokens":"1"}}'),
  text("Hello", ',"usage":{"prompt_tokens_details":{"cached_tokens":"7"}}}'),
  text("Hello", ',"usage":{"prompt_tokens_details":[]}}'),
  text("Hello", ',"usage":{}}'),
  text("Hello", ',"usage":[]}'),
  text("Hello", ',"error":{"message":"overloaded"}}'),
  text("Hello", ',"error":null}'),
  text("Hello", ',"choices":[]}'),
  text("Hello", ',"usage":null} '),
  text("Hello", ',"usage":null'),
  text("Hello", ',"usage":null}}'),
  text("Hello", ',"extra":{"nested":1}}'),
  text("Hello", "}", '},"finish_reason":null}]'),
  text("Hello", "}", '},"finish_reason":null,"logprobs":null}]'),
  text("Hello", "}", '},"logprobs":null,"finish_reason":"stop"}]'),
  text("Hello", "}", '},"logprobs":null,"finish_reason":"stop","finish_reason":null}]'),
  text("Hello", "}", '},"logprobs":null,"finish_reason":""}]'),
  text("Hello", "}", '},"logprobs":null,"finish_reason":5}]'),
  text("Hello", "}", '},"logprobs":{"content":[]},"finish_reason":null}]'),
  text("Hello", "}", ',"role":"assistant"},"logprobs":null,"finish_reason":null}]'),
  text("Hello", "}", ',"content":"again"},"logprobs":null,"finish_reason":null}]'),
  text("Hello", "}", ',"content":null},"logprobs":null,"finish_reason":null}]'),
  text("Hello", "}", ',"refusal":"no"},"logprobs":null,"finish_reason":null}]'),
  text("Hello", "}", ',"reasoning_content":"hm"},"logprobs":null,"finish_reason":null}]'),
  text("Hello", "}", ',"tool_calls":null},"logprobs":null,"finish_reason":null}]'),
  text("Hello", "}", ',"tool_calls":[]},"logprobs":null,"finish_reason":null}]'),
  text("Hello", "}", ',"audio":null},"logprobs":null,"finish_reason":null}]'),
  text("Hello", "}", ',"role":5},"logprobs":null,"finish_reason":null}]'),
  text("Hello", "}", '},"logprobs":null,"finish_reason":null},{"index":1,"delta":{"content":"x"}}]'),
  `${ENVELOPE}"choices":[{"index":1,"delta":{"content":"x"},"logprobs":null,"finish_reason":null}]}`,
  `${ENVELOPE}"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"length"}]}`,
  `${ENVELOPE}"choices":[{"index":0,"delta":null,"logprobs":null,"finish_reason":"tool_calls"}]}`,
  `${ENVELOPE}"choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]}`,
  `${ENVELOPE}"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,"prompt_tokens_details":{"cached_tokens":3},"completion_tokens_details":{"reasoning_tokens":1}}}`,
  `${ENVELOPE}"choices":null}`,
  `${ENVELOPE}"choices":{}}`,
  '{"choices":[]}',
  "{}",
  "[]",
  "null",
  "",
  '{"id":"c","choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}',
  '{"id":"c" "choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}',
  '{"id":"c",,"choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}',
  '{"id":5,"choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}',
  '{"id":null,"model":null,"created":null,"choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}',
  '{"id":"a","id":"b","created":"1","choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}',
  '{"created":1e3,"n":-0.5,"ok":true,"x":false,"y":null,"choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}',
  '{"created":01,"choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}',
  '{"created":-,"choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}',
  '{"created":1.,"choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}',
  '{"meta":{"a":1},"choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}',
  '{"usage":null,"choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}',
  '{"error":null,"choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}',
  '{"i\\"d":"c","choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}',
  '{"id":"a\\"b","choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}',
  '{"model":"\\"choices\\":","choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}',
  '"choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}',
  '{"choices":[{"index":0,"delta":{"content":"Hi',
  '{ "choices": [ { "index": 0, "delta": { "content": "Hi" } } ] }',
];

/**
 * One stream through two mappers: one as the gateway runs it, one given each chunk with a space
 * after its `{` (the same JSON, which the reader leaves to JSON.parse and the shape checks). Every
 * event and the end must give the same parts.
 */
function expectSameAsParse(lines: string[], label: string): void {
  const scanned = new OpenaiEventMapper("up");
  const parsed = new OpenaiEventMapper("up");
  for (const line of lines) {
    const spaced = line.startsWith("{") ? `{ ${line.slice(1)}` : ` ${line}`;
    expect(comparable(scanned.event(line)), `${label}: ${line}`).toEqual(comparable(parsed.event(line === "[DONE]" ? line : spaced)));
    expect(scanned.done, `${label}: ${line}`).toBe(parsed.done);
    if (scanned.done) break;
  }
  expect(comparable(scanned.end()), label).toEqual(comparable(parsed.end()));
}

/** Tool calls without an id get a fresh one on each mapper; errors compare by code and message (without the chunk it quotes). */
function comparable(parts: unknown[]): unknown[] {
  return JSON.parse(
    JSON.stringify(parts, (key, value: unknown) => {
      if (value instanceof Error) return { code: (value as Error & { code?: string }).code, message: value.message.replace(/invalid stream chunk: .*/s, "invalid stream chunk") };
      return key === "id" && typeof value === "string" && value.startsWith("call_") ? "call" : value;
    }),
  ) as unknown[];
}

// Seeded random chunks: the usual shapes, each piece sometimes swapped for an edge.
function randomStream(random: () => number): string[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const chance = (p: number) => random() < p;
  const str = () =>
    pick(['"x"', '""', '"caf\u00e9 \u{1F600}"', '"a\\"b"', '"line\\nnext"', '"\\u00e9"', '"\\ud83d"', '"tab\there"', '"back\\\\"', '"bad\\q"', '"{\\"k\\":1}"', '"[x]"', '" word"']);
  const num = () => pick(["0", "1", "12", "-0", "1.5", "1e3", "01", "1.", "-", "170000000000"]);
  const plain = () => (chance(0.5) ? str() : pick([num(), "null", "true", "false", "nul", "{}", '{"a":[1,{"b":null}]}', "[1,2]"]));
  const envelopeFields = [
    () => `"id":${chance(0.95) ? '"chatcmpl-r"' : pick(["null", "5", '"a\\"b"', "true"])}`,
    () => `"object":${chance(0.95) ? '"chat.completion.chunk"' : plain()}`,
    () => `"created":${chance(0.95) ? "1700000000" : pick(["null", '"1"', num()])}`,
    () => `"model":${chance(0.95) ? '"gpt-r"' : pick(["null", "1", str()])}`,
    () => `"system_fingerprint":${chance(0.95) ? '"fp_r"' : plain()}`,
    () => `"${pick(["service_tier", "usage", "error", "x\\u0041", "choices"])}":${plain()}`,
  ];
  const fields: string[] = [];
  for (const field of envelopeFields.slice(0, -1)) if (chance(0.9)) fields.push(field());
  if (chance(0.15)) fields.push(envelopeFields.at(-1)!());
  if (chance(0.2)) fields.reverse();
  if (chance(0.1)) fields.push(envelopeFields[0]!());
  const envelope = `{${fields.join(",")}${fields.length > 0 ? "," : ""}`;
  const content = () => (chance(0.7) ? pick(['"word"', '" word"', '""', '"Hello, world"', '"\u00fcber"']) : pick([str(), "null", "5"]));
  const delta = (first: boolean) => {
    const members: string[] = [];
    if (first || chance(0.05)) members.push(`"role":${chance(0.9) ? '"assistant"' : plain()}`);
    if (chance(0.9)) members.push(`"content":${content()}`);
    if (chance(0.1)) members.push(`"refusal":${chance(0.5) ? "null" : str()}`);
    if (chance(0.1)) members.push(`"reasoning_content":${chance(0.5) ? "null" : str()}`);
    if (chance(0.05)) members.push(`"tool_calls":${pick(["null", "[]", '[{"index":0,"id":"call_1","function":{"name":"f","arguments":"{}"}}]'])}`);
    if (chance(0.05)) members.push(`"${pick(["audio", "content", "function_call"])}":${plain()}`);
    if (chance(0.1)) members.reverse();
    return chance(0.97) ? `{${members.join(",")}}` : pick(["null", "{}", "[]", '"d"']);
  };
  const choice = (first: boolean, finish: string) => {
    const members = [`"index":${chance(0.95) ? "0" : pick(["1", "null", '"0"', "0.0"])}`, `"delta":${delta(first)}`];
    if (chance(0.9)) members.push(`"logprobs":${chance(0.95) ? "null" : '{"content":[]}'}`);
    members.push(`"finish_reason":${finish}`);
    if (chance(0.1)) members.reverse();
    return `{${members.join(",")}}`;
  };
  const usage = () => {
    if (chance(0.1)) return pick(["null", "{}", "[]", '"u"']);
    const members = [`"prompt_tokens":${chance(0.9) ? "12" : pick(["null", '"12"', "1.5"])}`, `"completion_tokens":${chance(0.9) ? "10" : pick(["null", "0", "-1"])}`, '"total_tokens":22'];
    if (chance(0.5)) members.push(`"prompt_tokens_details":${pick(["null", '{"cached_tokens":3}', '{"cached_tokens":0,"audio_tokens":0}', '{"cached_tokens":"3"}', "{}", "[]"])}`);
    if (chance(0.5)) members.push(`"completion_tokens_details":${pick(["null", '{"reasoning_tokens":4}', '{"reasoning_tokens":null}', '{"accepted_prediction_tokens":0}'])}`);
    if (chance(0.1)) members.reverse();
    return `{${members.join(",")}}`;
  };
  const tail = () => {
    const members: string[] = [];
    if (chance(0.3)) members.push('"usage":null');
    if (chance(0.1)) members.push(`"obfuscation":${plain()}`);
    if (chance(0.03)) members.push(`"error":${pick(["null", '{"message":"overloaded"}'])}`);
    return members.map((member) => `,${member}`).join("");
  };
  const lines: string[] = [];
  const count = 2 + Math.floor(random() * 10);
  for (let index = 0; index < count; index++) {
    const finish = index === count - 1 ? pick(['"stop"', '"length"', '"tool_calls"', '""', "null"]) : chance(0.95) ? "null" : pick(['"stop"', "5"]);
    const choices = chance(0.97) ? `[${choice(index === 0, finish)}]` : pick(["[]", "null", `[${choice(false, "null")},${choice(false, "null")}]`]);
    let line = `${envelope}"choices":${choices}${tail()}}`;
    if (chance(0.02)) line = line.slice(0, Math.floor(random() * line.length));
    if (chance(0.02)) line = line.replace(":", ": ");
    lines.push(line);
  }
  if (chance(0.5)) lines.push(`${envelope}"choices":[],"usage":${usage()}}`);
  if (chance(0.9)) lines.push("[DONE]");
  return lines;
}

describe("readChunk", () => {
  it("gives the mapper the same parts as the parse, event by event, on seeded random streams", () => {
    const random = seededRandom(20261203);
    let readWhole = 0;
    let total = 0;
    for (let stream = 0; stream < 3000; stream++) {
      const lines = randomStream(random);
      for (const line of lines) {
        total++;
        if (readChunk(line)) readWhole++;
      }
      expectSameAsParse(lines, `stream ${stream}`);
    }
    // Most chunks take the reader (so the comparison above covers it), and some the parse.
    expect(readWhole).toBeGreaterThan(total * 0.3);
    expect(readWhole).toBeLessThan(total);
  });

  it("gives the same parts as the parse for every crafted edge, alone and after a first chunk", () => {
    for (const line of crafted) {
      expectSameAsParse([line], line);
      expectSameAsParse([crafted[0]!, line, line], line);
      expectSameAsParse([crafted.find((first) => first.includes('"role":"assistant"'))!, text("a"), line], line);
    }
  });

  it("gives the same parts as the parse for every recorded stream", () => {
    for (const { name, lines } of recordedStreams) expectSameAsParse(lines, name);
  });

  it("reads the usual shapes and leaves the rest to the parse", () => {
    expect(readChunk(text("Hello"))).toBe(true);
    expect(read).toMatchObject({ id: "chatcmpl-1", model: "gpt-4o-mini", created: 1694268190, choice: true, content: "Hello", finishReason: null });
    expect(readChunk(text("line\\nbreak"))).toBe(true);
    expect(read.content).toBe("line\nbreak");
    expect(readChunk(crafted.find((line) => line.includes('"length"'))!)).toBe(true);
    expect(read).toMatchObject({ choice: true, content: undefined, finishReason: "length" });
    expect(readChunk(crafted.find((line) => line.includes('"reasoning_tokens":1'))!)).toBe(true);
    expect(read.usage).toEqual({ prompt_tokens: 9, completion_tokens: 2, prompt_tokens_details: { cached_tokens: 3 }, completion_tokens_details: { reasoning_tokens: 1 } });
    for (const line of [text("Hello", ',"error":{"message":"overloaded"}}'), text("bad \\x escape"), text("tab\there"), crafted.at(-1)!, crafted.at(-2)!, text("Hello", "}", ',"tool_calls":[]},"logprobs":null,"finish_reason":null}]')]) {
      expect(readChunk(line), line).toBe(false);
    }
    for (const { lines } of recordedStreams) expect(lines.some((line) => readChunk(line))).toBe(true);
  });

  it("skips a known envelope only where the chunk begins with it", () => {
    expect(readChunk(text("a"))).toBe(true);
    const envelope = text("a").slice(0, read.envelopeEnd);
    expect(envelope).toBe(ENVELOPE);
    expect(readChunk(text("b"), envelope)).toBe(true);
    expect(read).toMatchObject({ id: undefined, content: "b" });
    expect(readChunk(text("b").replace("fp_1", "fp_2"), envelope)).toBe(true);
    expect(read).toMatchObject({ id: "chatcmpl-1", content: "b" });
  });

  it("reads a chunk that differs from a read one only in its plain text", () => {
    readChunk(text("a"));
    const prefix = text("a").slice(0, read.contentFrom);
    const suffix = text("a").slice(read.contentTo);
    expect(textBetween(text("Hello there"), prefix, suffix)).toBe("Hello there");
    expect(textBetween(text(""), prefix, suffix)).toBe("");
    for (const other of [text('a"b'), text("a\\nb"), text("a\tb"), text("a", "}"), `${text("a")} `]) expect(textBetween(other, prefix, suffix), other).toBeUndefined();
    readChunk(text("a", "}", ',"content":"b"},"logprobs":null,"finish_reason":null}]'));
    expect(read.contentFrom).toBe(-1);
    readChunk(text("a\\nb"));
    expect(read.contentFrom).toBe(-1);
  });
});
