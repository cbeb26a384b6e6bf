import type { ChatRequest } from "../../core/types.js";
import type { Principal, RouteDecision } from "../../gateway/context.js";
import type { AutoEntry } from "../model-registry.js";
import { routingText } from "./request-text.js";

/**
 * How far the threshold moves toward "always weak" for a key near its budget: none above the floor,
 * then in proportion to how much of the floor is used up, reaching 1 (weak only) when nothing is left.
 */
export function budgetPressure(principal: Principal, floor: number): number {
  const remaining = principal.budget?.remainingFraction;
  if (remaining === undefined || floor <= 0 || remaining >= floor) return 0;
  return Math.min(1, Math.max(0, 1 - remaining / floor));
}

export function decideTier(autoModel: string, auto: AutoEntry, request: ChatRequest, principal: Principal): RouteDecision {
  const { text, turns } = routingText(request);
  const score = auto.router.score(text, turns);
  const base = auto.threshold ?? auto.router.thresholdFor(auto.targetStrong);
  const pressure = budgetPressure(principal, auto.budgetFloor);
  const threshold = base + (1 - base) * pressure;
  const tier = pressure < 1 && score > threshold ? "strong" : "weak";
  return { autoModel, tier, model: tier === "strong" ? auto.strong : auto.weak, score, threshold };
}
