import type { Kysely } from "kysely";
import { chatCompletionRequestSchema } from "../api/openai/schema.js";
import { chatCompletionToCanonical } from "../api/openai/to-canonical.js";
import type { KeyDirectory } from "../control/auth/key-directory.js";
import type { CounterStore } from "../control/limits/counter-store.js";
import { NANO, planLimits } from "../control/limits/limit-plan.js";
import { denial } from "../control/limits/limits-middleware.js";
import type { PriceBook, PricedRoute } from "../control/pricing/price-book.js";
import { quickInputEstimate } from "../control/usage/token-estimate.js";
import type { SwitchyardError } from "../core/errors.js";
import type { ChatRequest } from "../core/types.js";
import type { Database, Storage } from "../storage/database.js";

/** A line's reservation: what was held against the key's and project's budgets, and when. */
export interface Reservation {
  estimateNano: number;
  at: number;
}

/**
 * Budgets for lines sent to a provider's own batch API, which the gateway's limits middleware never
 * sees: each line reserves its estimated cost at batch prices before the batch goes upstream (a line
 * over the budget fails here and is not sent), and settles to its real cost when the results come.
 */
export class BatchBudget {
  private readonly db: Kysely<Database>;

  constructor(
    storage: Storage,
    private readonly directory: KeyDirectory,
    private readonly counters: CounterStore,
    private readonly prices: PriceBook,
    private readonly defaultOutputEstimate: number,
  ) {
    this.db = storage.db;
  }

  /** Reserves one line; a refusal is the same budget error a live request gets. */
  async reserve(keyId: string, route: PricedRoute, endpoint: string, body: Record<string, unknown>): Promise<Reservation | SwitchyardError> {
    const at = Date.now();
    const grant = this.directory.grant(keyId);
    const request = estimateRequest(endpoint, body);
    const inputTokens = quickInputEstimate(request);
    const outputTokens = endpoint === "/v1/embeddings" ? 0 : (request.maxOutputTokens ?? this.defaultOutputEstimate);
    const estimateNano = Math.round(this.prices.batchCost(route, { inputTokens, outputTokens }) * NANO);
    if (!grant) return { estimateNano: 0, at };
    const plan = planLimits(this.db, grant, 0, at);
    if (plan.budgets.length === 0) return { estimateNano: 0, at };
    const decision = await this.counters.acquire({ budgets: plan.budgets, estimateNano, rates: [] });
    if (!decision.ok) return denial(decision, plan, grant.key.name || grant.key.id, undefined);
    return { estimateNano, at };
  }

  /** Replaces a reservation by the real cost (0 for a line that never ran). */
  async settle(keyId: string, reservation: Reservation, actualUsd: number): Promise<void> {
    const grant = this.directory.grant(keyId) ?? (await this.directory.grantById(keyId));
    if (!grant) return;
    const plan = planLimits(this.db, grant, 0, reservation.at);
    if (plan.budgets.length === 0) return;
    await this.counters.settle({ budgets: plan.budgets, estimateNano: reservation.estimateNano, actualNano: Math.round(actualUsd * NANO), rateCorrections: [] });
  }
}

/** The request as the limits middleware would estimate it; a body it cannot read counts by its size. */
function estimateRequest(endpoint: string, body: Record<string, unknown>): ChatRequest {
  const text = (value: unknown) => [{ type: "text" as const, text: typeof value === "string" ? value : JSON.stringify(value ?? "") }];
  if (endpoint === "/v1/embeddings") return { model: String(body.model), messages: [{ role: "user", content: text(body.input) }] };
  const parsed = chatCompletionRequestSchema.safeParse(body);
  if (parsed.success) return chatCompletionToCanonical(parsed.data, body);
  return { model: String(body.model), messages: [{ role: "user", content: text(body.messages) }] };
}
