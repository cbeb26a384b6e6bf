import type { ChatRequest } from "../../core/types.js";
import type { Principal } from "../../gateway/context.js";
import type { RouteDecision } from "./route-decision.js";
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

interface Tier {
  tier: RouteDecision["tier"];
  model: string;
  /** A score above this goes to this tier (or a stronger one). */
  threshold: number;
}

/**
 * The tiers above weak, strongest first, with their thresholds. Each middle tier's threshold is the
 * score that sends the cumulative share (strong + the middle tiers so far) above it.
 */
export function tierThresholds(auto: AutoEntry): Tier[] {
  const tiers: Tier[] = [{ tier: "strong", model: auto.strong, threshold: auto.threshold ?? auto.router.thresholdFor(auto.targetStrong) }];
  let share = auto.targetStrong;
  for (const middle of auto.middle) {
    share += middle.share;
    tiers.push({ tier: "middle", model: middle.model, threshold: auto.router.thresholdFor(share) });
  }
  return tiers;
}

/**
 * The tier for a request. Tiers `visible` rejects (another project's own model, for this caller) are
 * no candidates: the decision is the one an auto model without them would make, so it falls to the
 * nearest visible tier below, or, when the weak tier is hidden, to the weakest visible one. The
 * caller checks that at least one tier is visible.
 */
export function decideTier(
  autoModel: string,
  auto: AutoEntry,
  request: ChatRequest,
  principal: Principal,
  visible: (model: string) => boolean = () => true,
): RouteDecision {
  const { text, turns } = routingText(request);
  const score = auto.router.score(text, turns);
  const pressure = budgetPressure(principal, auto.budgetFloor);
  const tiers = tierThresholds(auto).filter((candidate) => visible(candidate.model));
  let lowest = 1;
  for (const candidate of tiers) {
    // Budget pressure moves every threshold toward 1 ("weak only" at full pressure).
    const threshold = candidate.threshold + (1 - candidate.threshold) * pressure;
    lowest = threshold;
    if (pressure < 1 && score > threshold) return { autoModel, tier: candidate.tier, model: candidate.model, score, threshold };
  }
  const floor = tiers.at(-1);
  if (!visible(auto.weak) && floor) return { autoModel, tier: floor.tier, model: floor.model, score, threshold: lowest };
  return { autoModel, tier: "weak", model: auto.weak, score, threshold: lowest };
}

/** Every tier's model, strongest first: the order cross-tier fallback walks from the chosen one. */
export function tierModels(auto: AutoEntry): string[] {
  return [auto.strong, ...auto.middle.map((tier) => tier.model), auto.weak];
}
