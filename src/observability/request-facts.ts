import type { Usage } from "../core/types.js";
import type { GatewayContext } from "../gateway/context.js";
import { stateOf, StateKey } from "../gateway/state.js";

/** What the observability middleware learns about one chat request while its stream passes by. */
export interface RequestFacts {
  /** performance.now() of the first content part (text, reasoning or tool call). */
  firstTokenAt?: number;
  usage?: Usage;
  finishReason?: string;
  /** Catalogue code of a failure after the stream began. */
  streamError?: string;
  /** Cost in USD, when metering priced the request. */
  costUsd?: number;
}

const FACTS = new StateKey<RequestFacts>("observability.facts");

export function requestFacts(context: GatewayContext): RequestFacts {
  return stateOf(context, FACTS, () => ({}));
}

/** Called by metering once a request is priced, so /metrics and the request log can show the cost. */
export function recordRequestCost(context: GatewayContext, costUsd: number): void {
  requestFacts(context).costUsd = costUsd;
}
