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
 * `pricing.batch_discount`, `batch_input` and `batch_output` say which models get batch prices: those
 * whose first route's provider has a native batch API, where `/v1/batches` is delegated.
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
      // Batches to this model are sent to the provider's own batch API, at its batch prices.
      ...(route?.provider.batches !== undefined &&
        card.batchDiscount !== undefined && {
          batch_discount: card.batchDiscount,
          batch_input: round(card.input * (1 - card.batchDiscount)),
          batch_output: round(card.output * (1 - card.batchDiscount)),
        }),
    },
  };
}

/** Prices are per million tokens; keep them free of float noise. */
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
