import { describe, expect, it } from "vitest";
import { hotRequest } from "../../../src/api/fast/hot-request.js";
import { chatCompletionToCanonical } from "../../../src/api/openai/to-canonical.js";
import { hotRequestBody } from "../../../src/providers/openai-compatible/hot-request-body.js";
import { createOpenaiCompatibleProvider } from "../../../src/providers/openai-compatible/provider.js";
import { toOpenaiRequest, type OpenaiRequestSettings } from "../../../src/providers/openai-compatible/request.js";
import { seededRandom } from "../../helpers/seeded-random.js";

const PIECES = ["a", "Hello", " ", "\"", "\\", "\n", "\t", "\u0000", "\u001f", "\u007f", "é", "日本", "\u2028", "😀", "\ud800", "\udfff", "</script>", "{}", "null"];
const NUMBERS = [0, -0, 1, 2, 0.1 + 0.2, 1e-7, 0.5, 1.999999, 32, 4096, 123456789, -2, -1.5, 2 ** 40, Number.MIN_SAFE_INTEGER, 5e-324];

function generator(seed: number) {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const chance = (p: number) => random() < p;
  const text = () => Array.from({ length: Math.floor(random() * 6) }, () => pick(PIECES)).join("");
  const shuffled = (entries: Array<[string, unknown]>) => {
    for (let index = entries.length - 1; index > 0; index--) {
      const other = Math.floor(random() * (index + 1));
      [entries[index], entries[other]] = [entries[other]!, entries[index]!];
    }
    return Object.fromEntries(entries);
  };
  const message = () => {
    const entries: Array<[string, unknown]> = [
      ["role", pick(["system", "developer", "user", "assistant"])],
      ["content", text()],
    ];
    if (chance(0.3)) entries.push(["name", text()]);
    return shuffled(entries);
  };
  const optional = (entries: Array<[string, unknown]>, key: string, value: () => unknown) => {
    if (chance(0.4)) entries.push([key, chance(0.15) ? null : value()]);
  };
  return (): Record<string, unknown> => {
    const entries: Array<[string, unknown]> = [
      ["model", pick(["gpt-4o-mini", "bench", "é\"model"])],
      ["messages", Array.from({ length: 1 + Math.floor(random() * 4) }, message)],
    ];
    optional(entries, "temperature", () => pick(NUMBERS.filter((value) => value >= 0 && value <= 2)));
    optional(entries, "top_p", () => pick(NUMBERS.filter((value) => value >= 0 && value <= 1)));
    optional(entries, "max_tokens", () => pick([1, 32, 4096, 123456789]));
    optional(entries, "max_completion_tokens", () => pick([1, 64, 2 ** 40]));
    optional(entries, "seed", () => pick([0, -0, 7, -42, Number.MIN_SAFE_INTEGER, 2 ** 40]));
    optional(entries, "presence_penalty", () => pick(NUMBERS.filter((value) => value >= -2 && value <= 2)));
    optional(entries, "frequency_penalty", () => pick(NUMBERS.filter((value) => value >= -2 && value <= 2)));
    optional(entries, "stream", () => chance(0.5));
    optional(entries, "stream_options", () => (chance(0.5) ? { include_usage: chance(0.5) } : {}));
    optional(entries, "n", () => 1);
    optional(entries, "stop", () => (chance(0.5) ? text() : Array.from({ length: Math.floor(random() * 4) }, text)));
    if (chance(0.3)) entries.push(["user", text()]);
    return shuffled(entries);
  };
}

const SETTINGS: OpenaiRequestSettings[] = [
  { maxTokensField: "max_tokens", optionsKey: "openai" },
  { maxTokensField: "max_completion_tokens", optionsKey: "azure-openai" },
];

describe("hotRequestBody", () => {
  it("writes the bytes of the canonical round trip for seeded random hot requests", () => {
    const next = generator(20261203);
    let checked = 0;
    for (let round = 0; round < 3000; round++) {
      const body = next();
      const wire = hotRequest(body);
      if (wire === undefined) continue;
      checked++;
      const canonical = chatCompletionToCanonical(wire, body);
      for (const settings of SETTINGS) {
        for (const stream of [false, true]) {
          const model = round % 2 === 0 ? wire.model : "upstream/model-\u00e9";
          const expected = JSON.stringify(toOpenaiRequest({ ...canonical, model }, stream, settings).body);
          expect(hotRequestBody(wire, model, stream, settings), JSON.stringify(body)).toBe(expected);
        }
      }
    }
    // Every generated request is of the hot shape: none may slip past the comparison.
    expect(checked).toBe(3000);
  });

  it("is what the provider sends for a hot request, as `call` sends its canonical form", async () => {
    const provider = createOpenaiCompatibleProvider({
      name: "upstream",
      type: "openai",
      url: (_model, operation) => `http://127.0.0.1:9/v1/${operation}`,
      headers: () => ({ authorization: "Bearer sk-test", "x-extra": "1" }),
      maxTokensField: "max_completion_tokens",
    });
    try {
      const body = { model: "public", messages: [{ role: "developer", content: "Be brief." }, { role: "user", content: "Hi", name: "ann" }], max_tokens: 9, stop: "\n" };
      const wire = hotRequest(body)!;
      const canonical = chatCompletionToCanonical(wire, body);
      for (const stream of [false, true]) {
        const hot = provider.openaiChat!.callHot(wire, "gpt-x", stream);
        const canonicalCall = provider.openaiChat!.call({ ...canonical, model: "gpt-x" }, stream);
        expect({ ...hot, dispatcher: undefined }).toEqual({ ...canonicalCall, dispatcher: undefined });
        expect(hot.body).toBe(canonicalCall.body);
      }
    } finally {
      await provider.close?.();
    }
  });
});
