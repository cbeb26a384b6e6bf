import { getState, StateKey } from "../gateway/state.js";
import type { GatewayContext } from "../gateway/context.js";

/** Set when the response cache answered: metering charges no upstream cost, logs and spans say so. */
export const cacheHitKey = new StateKey<true>("cache.hit");

export function isCacheHit(context: Pick<GatewayContext, "state">): boolean {
  return getState(context, cacheHitKey) === true;
}
