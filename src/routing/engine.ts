import { SwitchyardError } from "../core/errors.js";
import { modelScope, type GatewayContext } from "../gateway/context.js";
import type { ChatResult } from "../gateway/pipeline.js";
import { setState } from "../gateway/state.js";
import { decideTier, tierModels } from "./auto/decide.js";
import { routeDecisionKey } from "./auto/route-decision.js";
import type { BreakerStore } from "./breaker/breaker-store.js";
import { MemoryBreakerStore } from "./breaker/memory-breaker-store.js";
import { runWithFallback, type RoutingServices } from "./fallback.js";
import type { ModelEntry, ModelRegistry } from "./model-registry.js";
import { RouteStats } from "./route-stats.js";

/** What routing needs from the runtime: the models an auto router's tiers name, and the whole-request timeout. */
export interface RoutingDependencies {
  models: ModelRegistry;
  requestTimeoutMs: number;
}

/** Routing state that outlives a request: breakers, latency and load figures. One per gateway. */
export class RoutingEngine {
  readonly services: RoutingServices;
  private readonly models: ModelRegistry;

  constructor(dependencies: RoutingDependencies, options: { breakers?: BreakerStore; random?: () => number } = {}) {
    this.models = dependencies.models;
    this.services = {
      breakers: options.breakers ?? new MemoryBreakerStore(),
      stats: new RouteStats(),
      requestTimeoutMs: dependencies.requestTimeoutMs,
      random: options.random,
    };
  }

  /** Routes one request; a `type: auto` entry first picks its tier from the request's content. */
  route(context: GatewayContext, entry: ModelEntry): Promise<ChatResult> {
    if (!entry.auto) return runWithFallback(context, entry, this.services);
    // Tiers resolve for the caller's project, like the name it sent: a tier that is another project's own
    // model (a fine-tune promoted to a tier) does not exist for this caller, so it is no candidate and no
    // fallback; with no tier left the auto model does not exist for it either.
    const scope = modelScope(context.principal);
    const visible = new Map<string, ModelEntry>();
    for (const model of tierModels(entry.auto)) {
      const resolved = this.tier(model, scope);
      if (resolved) visible.set(model, resolved);
    }
    if (visible.size === 0) throw this.models.missing(entry.name);
    const decision = decideTier(entry.name, entry.auto, context.request, context.principal, (model) => visible.has(model));
    setState(context, routeDecisionKey, decision);
    context.responseHeaders["x-switchyard-route-decision"] = decision.tier;
    context.responseHeaders["x-switchyard-route-score"] = decision.score.toFixed(4);
    context.responseHeaders["x-switchyard-route-threshold"] = decision.threshold.toFixed(4);
    const chosen = visible.get(decision.model)!;
    const spare: ModelEntry["routes"] = [];
    if (entry.auto.crossTierFallback) {
      // The other visible tiers, nearest first (the next weaker before the next stronger).
      const models = tierModels(entry.auto);
      const at = models.indexOf(decision.model);
      const order = models
        .map((model, index) => ({ model, distance: Math.abs(index - at) + (index < at ? 0.5 : 0) }))
        .filter((tier) => tier.model !== decision.model)
        .sort((left, right) => left.distance - right.distance);
      for (const { model } of order) {
        for (const route of visible.get(model)?.routes ?? []) if (!chosen.routes.includes(route) && !spare.includes(route)) spare.push(route);
      }
    }
    return runWithFallback(context, { ...chosen, strategy: chosen.strategy ?? entry.strategy }, this.services, spare);
  }

  /** A tier's entry as the caller's project sees it; undefined when it does not exist for that project. */
  private tier(model: string, scope: string | undefined): ModelEntry | undefined {
    try {
      return this.models.resolve(model, scope);
    } catch (error) {
      if (error instanceof SwitchyardError && error.code === "SWY_ERR_MODEL_NOT_FOUND") return undefined;
      throw error;
    }
  }

  close(): Promise<void> {
    return this.services.breakers.close();
  }
}
