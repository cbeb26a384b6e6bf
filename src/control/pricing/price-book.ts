import type { Usage } from "../../core/types.js";
import type { PricingConfig } from "../config-schema.js";
import { freeFamilies, priceCatalog, type ModelCard } from "./catalog.js";

export interface PricedRoute {
  /** Configured provider name (`openai`, `my-vllm`). */
  provider?: string;
  /** Provider family (`openai`, `anthropic`, `local`). */
  providerType?: string;
  /** Upstream model id. */
  model?: string;
  /** Public model name the client asked for. */
  publicModel?: string;
}

const FREE: ModelCard = { input: 0, output: 0, cachedInput: 0 };

/** Bedrock cross-region inference profiles prefix the model id with a geography. */
const stripRegion = (model: string) => model.replace(/^(us|eu|apac|jp|au|ca|us-gov|global)\./, "");

function lookupCatalog(family: string, model: string): ModelCard | undefined {
  const table = priceCatalog[family];
  if (!table) return undefined;
  const id = family === "bedrock" ? stripRegion(model) : model;
  if (table[id]) return table[id];
  // Longest listed name that prefixes the id at a separator: dated and versioned ids share a price.
  let best: string | undefined;
  for (const name of Object.keys(table)) {
    if (id.startsWith(name) && /^[-:@.]/.test(id.slice(name.length)) && (!best || name.length > best.length)) best = name;
  }
  return best === undefined ? undefined : table[best];
}

/** Prices and capabilities: the built-in catalog with config overrides on top. */
export class PriceBook {
  constructor(private readonly overrides: PricingConfig = {}) {}

  /** The card for a route, or undefined when nothing is known about it. */
  card(route: PricedRoute): ModelCard | undefined {
    const { provider, providerType, model, publicModel } = route;
    let base: ModelCard | undefined;
    if (providerType !== undefined && freeFamilies.has(providerType)) base = FREE;
    else if (providerType !== undefined && model !== undefined) base = lookupCatalog(providerType, model);
    const override =
      (provider !== undefined && model !== undefined ? this.overrides[`${provider}/${model}`] : undefined) ??
      (providerType !== undefined && model !== undefined ? this.overrides[`${providerType}/${model}`] : undefined) ??
      (publicModel !== undefined ? this.overrides[publicModel] : undefined);
    if (!override) return base;
    return {
      input: override.input ?? base?.input ?? 0,
      output: override.output ?? base?.output ?? 0,
      cachedInput: override.cached_input ?? base?.cachedInput,
      contextLength: override.context_length ?? base?.contextLength,
      vision: override.vision ?? base?.vision,
      tools: override.tools ?? base?.tools,
      json: override.json ?? base?.json,
      batchDiscount: override.batch_discount ?? base?.batchDiscount,
    };
  }

  /** USD for usage answered through the provider's own batch API: the list price less its batch discount. */
  batchCost(route: PricedRoute, usage: Pick<Usage, "inputTokens" | "outputTokens" | "cachedInputTokens">): number {
    const card = this.card(route);
    if (!card) return 0;
    return costOf(card, usage) * (1 - (card.batchDiscount ?? 0));
  }

  /** USD for the usage on a route; unknown models cost 0 (and say so through `card`). */
  cost(route: PricedRoute, usage: Pick<Usage, "inputTokens" | "outputTokens" | "cachedInputTokens">): number {
    const card = this.card(route);
    if (!card) return 0;
    return costOf(card, usage);
  }
}

export function costOf(card: ModelCard, usage: Pick<Usage, "inputTokens" | "outputTokens" | "cachedInputTokens">): number {
  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
  const fresh = usage.inputTokens - cached;
  return (fresh * card.input + cached * (card.cachedInput ?? card.input) + usage.outputTokens * card.output) / 1_000_000;
}
