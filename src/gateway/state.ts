import type { GatewayContext } from "./context.js";

/**
 * A typed slot in a context's per-request state. The feature that owns a piece of state (the cache's
 * hit, the auto router's decision, the deployment that was called) declares its key beside its own
 * code; others read it through that key, so the core context type names no feature.
 */
export class StateKey<T> {
  /** Carries `T` for the compiler only; never set. */
  declare readonly valueType: T;

  constructor(readonly name: string) {}
}

export type ContextState = Map<StateKey<unknown>, unknown>;

export function getState<T>(context: Pick<GatewayContext, "state">, key: StateKey<T>): T | undefined {
  return context.state.get(key) as T | undefined;
}

export function setState<T>(context: Pick<GatewayContext, "state">, key: StateKey<T>, value: T): void {
  context.state.set(key, value);
}

/** The value under `key`, made by `create` (and stored) the first time it is asked for. */
export function stateOf<T>(context: Pick<GatewayContext, "state">, key: StateKey<T>, create: () => T): T {
  if (context.state.has(key)) return context.state.get(key) as T;
  const value = create();
  context.state.set(key, value);
  return value;
}
