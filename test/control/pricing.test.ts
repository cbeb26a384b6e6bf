import { describe, expect, it } from "vitest";
import { priceCatalog } from "../../src/control/pricing/catalog.js";
import { PriceBook, costOf } from "../../src/control/pricing/price-book.js";

describe("price catalog", () => {
  const book = new PriceBook();

  it("covers every supported hosted provider family", () => {
    for (const family of ["openai", "azure-openai", "anthropic", "gemini", "bedrock", "mistral"]) {
      expect(Object.keys(priceCatalog[family] ?? {}).length, family).toBeGreaterThan(3);
    }
  });

  it("prices dated and versioned ids by their family's longest listed prefix", () => {
    expect(book.card({ providerType: "openai", model: "gpt-4o-2024-08-06" })?.input).toBe(2.5);
    expect(book.card({ providerType: "openai", model: "gpt-4o-mini-2024-07-18" })?.input).toBe(0.15);
    expect(book.card({ providerType: "anthropic", model: "claude-3-5-haiku-20241022" })?.output).toBe(4);
    expect(book.card({ providerType: "bedrock", model: "us.anthropic.claude-3-5-sonnet-20241022-v2:0" })?.input).toBe(3);
    expect(book.card({ providerType: "azure-openai", model: "gpt-4.1-mini" })?.contextLength).toBe(1_047_576);
    expect(book.card({ providerType: "openai", model: "gpt-4o2" })).toBeUndefined();
    expect(book.card({ providerType: "openai", model: "my-finetune" })).toBeUndefined();
  });

  it("charges nothing for local models", () => {
    expect(book.cost({ providerType: "local", model: "stories260K" }, { inputTokens: 1e6, outputTokens: 1e6 })).toBe(0);
  });

  it("charges cached input at the cached price", () => {
    const card = book.card({ providerType: "openai", model: "gpt-4o" })!;
    expect(costOf(card, { inputTokens: 1000, outputTokens: 100, cachedInputTokens: 400 })).toBeCloseTo((600 * 2.5 + 400 * 1.25 + 100 * 10) / 1e6, 12);
  });

  it("lets config override by provider name, provider type or public model", () => {
    const custom = new PriceBook({
      "my-vllm/llama-3-70b": { input: 0.5, output: 0.7, context_length: 8192, tools: true },
      "openai/gpt-4o": { output: 12 },
      "house-model": { input: 1, output: 2 },
    });
    expect(custom.card({ provider: "my-vllm", providerType: "openai", model: "llama-3-70b" })).toMatchObject({ input: 0.5, output: 0.7, contextLength: 8192, tools: true });
    expect(custom.card({ provider: "openai", providerType: "openai", model: "gpt-4o" })).toMatchObject({ input: 2.5, output: 12, cachedInput: 1.25 });
    expect(custom.cost({ provider: "x", providerType: "openai", model: "unknown", publicModel: "house-model" }, { inputTokens: 1e6, outputTokens: 1e6 })).toBe(3);
  });
});
