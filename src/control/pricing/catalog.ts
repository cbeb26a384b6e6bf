/**
 * List prices in USD per 1M tokens and capabilities, by provider family and upstream model id.
 * Dated ids (`gpt-4o-2024-08-06`) match the longest listed prefix. Override any of it with
 * `pricing:` in the config; providers of the `local` family cost nothing.
 */
export interface ModelCard {
  input: number;
  output: number;
  /** Price of input tokens read from the provider's prompt cache; input price when absent. */
  cachedInput?: number;
  contextLength?: number;
  vision?: boolean;
  tools?: boolean;
  json?: boolean;
  /** Fraction taken off both prices for requests sent through the provider's own batch API (0.5: half price). */
  batchDiscount?: number;
}

type Row = [model: string, input: number, output: number, cachedInput: number | undefined, contextLength: number, vision: boolean, tools?: boolean, json?: boolean];

const rows = (list: Row[]): Record<string, ModelCard> =>
  Object.fromEntries(
    list.map(([model, input, output, cachedInput, contextLength, vision, tools = true, json = true]) => [
      model,
      { input, output, cachedInput, contextLength, vision, tools, json },
    ]),
  );

/** OpenAI's Batch API: half the list price, input and output, for every model it serves. */
const withBatchDiscount = (table: Record<string, ModelCard>, discount: number): Record<string, ModelCard> =>
  Object.fromEntries(Object.entries(table).map(([model, card]) => [model, { ...card, batchDiscount: discount }]));

const openai = withBatchDiscount(rows([
  ["gpt-5", 1.25, 10, 0.125, 400_000, true],
  ["gpt-5-mini", 0.25, 2, 0.025, 400_000, true],
  ["gpt-5-nano", 0.05, 0.4, 0.005, 400_000, true],
  ["gpt-4.1", 2, 8, 0.5, 1_047_576, true],
  ["gpt-4.1-mini", 0.4, 1.6, 0.1, 1_047_576, true],
  ["gpt-4.1-nano", 0.1, 0.4, 0.025, 1_047_576, true],
  ["gpt-4o", 2.5, 10, 1.25, 128_000, true],
  ["gpt-4o-mini", 0.15, 0.6, 0.075, 128_000, true],
  ["gpt-4-turbo", 10, 30, undefined, 128_000, true],
  ["gpt-4", 30, 60, undefined, 8_192, false, true, false],
  ["gpt-3.5-turbo", 0.5, 1.5, undefined, 16_385, false],
  ["o1", 15, 60, 7.5, 200_000, true],
  ["o3", 2, 8, 0.5, 200_000, true],
  ["o3-mini", 1.1, 4.4, 0.55, 200_000, false],
  ["o4-mini", 1.1, 4.4, 0.275, 200_000, true],
  ["text-embedding-3-small", 0.02, 0, undefined, 8_191, false, false, false],
  ["text-embedding-3-large", 0.13, 0, undefined, 8_191, false, false, false],
  ["text-embedding-ada-002", 0.1, 0, undefined, 8_191, false, false, false],
]), 0.5);

const anthropic = rows([
  ["claude-opus-4-1", 15, 75, 1.5, 200_000, true],
  ["claude-opus-4", 15, 75, 1.5, 200_000, true],
  ["claude-sonnet-4-5", 3, 15, 0.3, 200_000, true],
  ["claude-sonnet-4", 3, 15, 0.3, 200_000, true],
  ["claude-haiku-4-5", 1, 5, 0.1, 200_000, true],
  ["claude-3-7-sonnet", 3, 15, 0.3, 200_000, true],
  ["claude-3-5-sonnet", 3, 15, 0.3, 200_000, true],
  ["claude-3-5-haiku", 0.8, 4, 0.08, 200_000, true],
  ["claude-3-opus", 15, 75, 1.5, 200_000, true],
  ["claude-3-haiku", 0.25, 1.25, 0.03, 200_000, true],
]);

const gemini = rows([
  ["gemini-2.5-pro", 1.25, 10, 0.31, 1_048_576, true],
  ["gemini-2.5-flash", 0.3, 2.5, 0.075, 1_048_576, true],
  ["gemini-2.5-flash-lite", 0.1, 0.4, 0.025, 1_048_576, true],
  ["gemini-2.0-flash", 0.1, 0.4, 0.025, 1_048_576, true],
  ["gemini-2.0-flash-lite", 0.075, 0.3, undefined, 1_048_576, true],
  ["gemini-1.5-pro", 1.25, 5, 0.3125, 2_097_152, true],
  ["gemini-1.5-flash", 0.075, 0.3, 0.01875, 1_048_576, true],
  ["text-embedding-004", 0, 0, undefined, 2_048, false, false, false],
  ["gemini-embedding-001", 0.15, 0, undefined, 2_048, false, false, false],
]);

const bedrock = rows([
  ["anthropic.claude-opus-4-1", 15, 75, 1.5, 200_000, true],
  ["anthropic.claude-sonnet-4-5", 3, 15, 0.3, 200_000, true],
  ["anthropic.claude-sonnet-4", 3, 15, 0.3, 200_000, true],
  ["anthropic.claude-3-7-sonnet", 3, 15, 0.3, 200_000, true],
  ["anthropic.claude-3-5-sonnet", 3, 15, 0.3, 200_000, true],
  ["anthropic.claude-3-5-haiku", 0.8, 4, 0.08, 200_000, true],
  ["anthropic.claude-3-haiku", 0.25, 1.25, undefined, 200_000, true],
  ["amazon.nova-premier", 2.5, 12.5, undefined, 1_000_000, true],
  ["amazon.nova-pro", 0.8, 3.2, 0.2, 300_000, true],
  ["amazon.nova-lite", 0.06, 0.24, 0.015, 300_000, true],
  ["amazon.nova-micro", 0.035, 0.14, 0.00875, 128_000, false],
  ["meta.llama3-3-70b-instruct", 0.72, 0.72, undefined, 128_000, false],
  ["meta.llama3-1-70b-instruct", 0.72, 0.72, undefined, 128_000, false],
  ["meta.llama3-1-8b-instruct", 0.22, 0.22, undefined, 128_000, false],
  ["mistral.mistral-large-2407", 2, 6, undefined, 128_000, false],
  ["mistral.mistral-large-2402", 4, 12, undefined, 32_000, false],
  ["cohere.command-r-plus", 3, 15, undefined, 128_000, false],
  ["amazon.titan-embed-text-v2", 0.02, 0, undefined, 8_192, false, false, false],
]);

const mistral = rows([
  ["mistral-large", 2, 6, undefined, 131_072, false],
  ["mistral-medium", 0.4, 2, undefined, 131_072, true],
  ["mistral-small", 0.1, 0.3, undefined, 131_072, true],
  ["pixtral-large", 2, 6, undefined, 131_072, true],
  ["codestral", 0.3, 0.9, undefined, 256_000, false],
  ["open-mistral-nemo", 0.15, 0.15, undefined, 131_072, false],
  ["ministral-8b", 0.1, 0.1, undefined, 131_072, false],
  ["ministral-3b", 0.04, 0.04, undefined, 131_072, false],
  ["magistral-medium", 2, 5, undefined, 40_000, false],
  ["mistral-embed", 0.1, 0, undefined, 8_192, false, false, false],
]);

/** Catalog by provider family. Families not listed (self-hosted, compatible servers) have no list price. */
export const priceCatalog: Readonly<Record<string, Readonly<Record<string, ModelCard>>>> = {
  openai,
  "azure-openai": openai,
  anthropic,
  gemini,
  bedrock,
  mistral,
};

/** Families that run on this machine or the operator's own hardware: they cost nothing per token. */
export const freeFamilies: ReadonlySet<string> = new Set(["local", "llama-cpp", "ollama", "vllm"]);
