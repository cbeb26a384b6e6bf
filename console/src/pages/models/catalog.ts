import { getJson } from "../../api";

/** One `GET /v1/models` entry: price and capabilities ride along when the gateway knows them. */
export interface CatalogModel {
  id: string;
  owned_by: string;
  context_length?: number;
  capabilities?: { vision: boolean; tools: boolean; json: boolean };
  pricing?: {
    currency: string;
    unit: string;
    input: number;
    output: number;
    cached_input: number;
    batch_input?: number;
    batch_output?: number;
    batch_discount?: number;
  };
  status?: { state: string; message?: string; progress?: number };
}

/** One `GET /admin/routing/health` entry (admin and viewer keys; the master key also gets `routes`). */
export interface ModelHealth {
  model: string;
  requests: number;
  errors: number;
  error_rate: number | null;
  latency_ms_avg: number | null;
  ttft_ms_avg: number | null;
  last_request_at: string | null;
  routes?: Array<{ provider: string; model: string; balancer_latency_ms: number | null; in_flight: number; breaker: string }>;
}

/** The window the catalog calls "recent". */
export const HEALTH_WINDOW_MINUTES = 60;

export async function loadCatalog(): Promise<CatalogModel[]> {
  return (await getJson<{ data: CatalogModel[] }>("/v1/models")).data;
}

export async function loadHealth(model?: string): Promise<Map<string, ModelHealth>> {
  const query = new URLSearchParams({ window_minutes: String(HEALTH_WINDOW_MINUTES) });
  if (model) query.set("model", model);
  const answer = await getJson<{ data: ModelHealth[] }>(`/admin/routing/health?${query}`);
  return new Map(answer.data.map((row) => [row.model, row]));
}

export const capabilityNames = ["vision", "tools", "json"] as const;
export type Capability = (typeof capabilityNames)[number];
export const capabilityLabels: Record<Capability, string> = { vision: "Vision", tools: "Tools", json: "JSON mode" };

/** Prices are per million tokens; show cents for ordinary prices and more digits for tiny ones. */
export function formatPrice(value: number | undefined): string {
  if (value === undefined) return "—";
  if (value === 0) return "free";
  return `$${value < 0.1 ? value.toFixed(3) : value.toFixed(2)}`;
}

export function formatContext(tokens: number | undefined): string {
  if (tokens === undefined) return "—";
  return tokens >= 1000 ? `${Math.round(tokens / 1000)}K` : String(tokens);
}

/** Where a model's own page lives (model ids may hold slashes: `openai/gpt-4o`). */
export const modelHref = (id: string) => `#models/${encodeURIComponent(id)}`;
export const playgroundHref = (id: string) => `#playground/${encodeURIComponent(id)}`;

export interface CatalogFilters {
  search: string;
  provider: string;
  capabilities: Capability[];
  /** Highest input price per 1M tokens, empty for any. */
  maxInputPrice: string;
}

export const NO_FILTERS: CatalogFilters = { search: "", provider: "", capabilities: [], maxInputPrice: "" };

export function filterCatalog(models: CatalogModel[], filters: CatalogFilters): CatalogModel[] {
  const words = filters.search.toLowerCase().split(/\s+/).filter(Boolean);
  const maxPrice = filters.maxInputPrice.trim() === "" ? undefined : Number(filters.maxInputPrice);
  return models.filter((model) => {
    const text = `${model.id} ${model.owned_by}`.toLowerCase();
    if (!words.every((word) => text.includes(word))) return false;
    if (filters.provider && model.owned_by !== filters.provider) return false;
    if (!filters.capabilities.every((capability) => model.capabilities?.[capability] === true)) return false;
    if (maxPrice !== undefined && !Number.isNaN(maxPrice) && (model.pricing === undefined || model.pricing.input > maxPrice)) return false;
    return true;
  });
}
