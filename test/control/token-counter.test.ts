import { readFileSync } from "node:fs";
import { Tiktoken } from "js-tiktoken/lite";
import o200k from "js-tiktoken/ranks/o200k_base";
import { describe, expect, it } from "vitest";
import { boundTokenizer } from "../../src/core/bounded-tokenizer.js";
import { createCounter } from "../../src/control/usage/token-counter-thread.js";
import { countTokensOffThread } from "../../src/control/usage/token-counter-worker.js";

const reference = boundTokenizer(new Tiktoken(o200k));

const samples = [
  "Hello, world!",
  "  leading and trailing spaces  \n\n\r\n\ttabs\t",
  "I'm sure they'll've done it; WE'RE DONE. Don't.",
  "Numbers 1234567 3.14159 -42 1e10 0x1F",
  "Ünïcödé: naïve café, 日本語のテキスト, 한국어, العربية, emoji 🙂👍🏽🚀, combining e\u0301",
  "lone surrogate \ud800 here",
  "a".repeat(300),
  `${"supercalifragilistic".repeat(20)} end`,
  "🙂".repeat(100),
  JSON.stringify({ type: "object", properties: { city: { type: "string", description: "City name" } }, required: ["city"] }),
  "function add(a: number, b: number): number {\n  return a + b;\n}\n",
  readFileSync("docs/benchmarks.md", "utf8"),
  readFileSync("src/control/usage/stream-meter.ts", "utf8"),
];

describe("token counter thread", () => {
  it("counts exactly as js-tiktoken's o200k_base encoder with long runs bounded", async () => {
    const counts = await countTokensOffThread(samples);
    expect(counts).toEqual(samples.map((text) => reference.encode(text).length));
  });

  it("is a module of its own: the same counter run in this thread counts the same", async () => {
    const count = createCounter(o200k);
    expect(samples.map(count)).toEqual(await countTokensOffThread(samples));
  });

  it("counts empty text as zero and special-token text as plain text instead of failing", async () => {
    const [empty, special] = await countTokensOffThread(["", "before <|endoftext|> after"]);
    expect(empty).toBe(0);
    expect(special).toBe(reference.encode("before <|endoftext|> after", [], []).length);
  });
});
