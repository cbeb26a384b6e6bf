import { StateKey } from "../../gateway/state.js";

export interface RouteDecision {
  /** The public `type: auto` model that was asked for. */
  autoModel: string;
  tier: "strong" | "middle" | "weak";
  /** The model the request went to. */
  model: string;
  /**
   * The router's score (probability the strong model is needed) and the threshold of the tier it
   * cleared (for the weak tier: the lowest threshold, which it did not clear).
   */
  score: number;
  threshold: number;
}

/** The auto router's choice for a `type: auto` model; usage rows, request logs and routing samples carry it. */
export const routeDecisionKey = new StateKey<RouteDecision>("routing.decision");
