import type { ConfigFile } from "../../config/schema.js";
import type { ProviderAdapter } from "../../providers/contract.js";
import { PriceBook } from "./price-book.js";

const books = new WeakMap<object, PriceBook>();

function bookFor(config: Readonly<ConfigFile>): PriceBook {
  let book = books.get(config);
  if (!book) {
    book = new PriceBook(config.pricing);
    books.set(config, book);
  }
  return book;
}

/**
 * The price and capability fields a `/v1/models` entry carries, for the model's first route.
 * Empty when nothing is known about the model (self-hosted servers without a `pricing:` entry).
 */
export function modelCardFields(
  config: Readonly<ConfigFile>,
  publicModel: string,
  route: { provider: ProviderAdapter; model: string } | undefined,
): Record<string, unknown> {
  const card = bookFor(config).card({
    provider: route?.provider.name,
    providerType: route?.provider.type,
    model: route?.model,
    publicModel,
  });
  if (!card) return {};
  return {
    ...(card.contextLength !== undefined && { context_length: card.contextLength }),
    capabilities: { vision: card.vision ?? false, tools: card.tools ?? false, json: card.json ?? false },
    pricing: {
      currency: "USD",
      unit: "1M tokens",
      input: card.input,
      output: card.output,
      cached_input: card.cachedInput ?? card.input,
    },
  };
}
