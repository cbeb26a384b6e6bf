import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isHotChunk, isHotCompletion } from "../../../src/providers/openai-compatible/hot-shape.js";
import { chunkSchema, completionSchema } from "../../../src/providers/openai-compatible/wire.js";

const FIXTURES = "src/providers/openai-compatible/__fixtures__";

/** Every recorded chunk, and variants with one field made odd: the checks may only pass what zod passes. */
function chunkCases(): unknown[] {
  const recorded = readdirSync(FIXTURES)
    .filter((name) => name.endsWith(".chunks.txt"))
    .flatMap((name) => readFileSync(join(FIXTURES, name), "utf8").split("\n"))
    .filter((line) => line.trim().length > 0 && line.trim() !== "[DONE]")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const odd: unknown[] = [null, 1, "x", [], { choices: {} }, { choices: [[]] }, { choices: [null] }, { id: 1 }, { created: "1" }, { usage: [] }, { usage: { prompt_tokens: "3" } }, { usage: { prompt_tokens_details: 1 } }, { error: { message: 2 } }];
  for (const chunk of recorded) {
    odd.push({ ...chunk, model: 5 }, { ...chunk, choices: [{ index: "0", delta: { content: "a" } }] }, { ...chunk, choices: [{ delta: { content: 7 } }] }, { ...chunk, choices: [{ delta: [] }] }, { ...chunk, choices: [{ finish_reason: 1 }] });
  }
  return [...recorded, ...odd];
}

describe("hot-shape checks for OpenAI responses", () => {
  it("pass only chunks the zod schema passes, and pass the common ones", () => {
    let hot = 0;
    for (const value of chunkCases()) {
      if (!isHotChunk(value)) continue;
      hot++;
      const parsed = chunkSchema.safeParse(value);
      expect(parsed.success, JSON.stringify(value)).toBe(true);
    }
    // Text, reasoning, finish and usage chunks of the recordings take the quick check.
    expect(hot).toBeGreaterThan(10);
    expect(isHotChunk({ id: "c", choices: [{ index: 0, delta: { content: "hi" }, finish_reason: null }] })).toBe(true);
    expect(isHotChunk({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0 }] } }] })).toBe(false);
    expect(isHotChunk({ error: { message: "overloaded" } })).toBe(false);
  });

  it("pass only completions the zod schema passes", () => {
    const recorded = readdirSync(FIXTURES)
      .filter((name) => name.endsWith(".json"))
      .map((name) => JSON.parse(readFileSync(join(FIXTURES, name), "utf8")) as Record<string, unknown>);
    const cases: unknown[] = [...recorded, {}, { choices: [{}] }, { choices: [{ message: [] }] }, { choices: [{ message: { content: 1 } }] }, { choices: [], usage: { completion_tokens_details: { reasoning_tokens: "1" } } }];
    for (const value of cases) {
      if (isHotCompletion(value)) expect(completionSchema.safeParse(value).success, JSON.stringify(value)).toBe(true);
    }
    expect(recorded.some((value) => isHotCompletion(value))).toBe(true);
    expect(recorded.some((value) => !isHotCompletion(value))).toBe(true);
  });
});
