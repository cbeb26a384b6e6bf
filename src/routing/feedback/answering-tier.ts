import type { GatewayContext } from "../../gateway/context.js";
import type { RouteDecision } from "../auto/route-decision.js";
import { tierModels } from "../auto/decide.js";
import type { AutoEntry, ModelRegistry } from "../model-registry.js";

/**
 * The tier whose model produced the answer. It is the decided tier unless cross-tier fallback moved
 * the request; a rating must be filed under the model that answered, not the one first chosen.
 * Undefined when the answering route belongs to no tier.
 */
export function answeringTier(
  context: GatewayContext,
  decision: RouteDecision,
  auto: AutoEntry,
  models: ModelRegistry,
): { model: string; tier: RouteDecision["tier"] } | undefined {
  const route = context.route;
  if (!route) return undefined;
  const tiers = tierModels(auto);
  const ordered = [decision.model, ...tiers.filter((model) => model !== decision.model)];
  for (const model of ordered) {
    if (!routesOf(models, model).some((candidate) => candidate.provider.name === route.provider && candidate.model === route.model)) continue;
    const index = tiers.indexOf(model);
    return { model, tier: index === 0 ? "strong" : index === tiers.length - 1 ? "weak" : "middle" };
  }
  return undefined;
}

function routesOf(models: ModelRegistry, name: string) {
  try {
    return models.resolve(name).routes;
  } catch {
    return [];
  }
}
