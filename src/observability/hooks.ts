/**
 * Small registration hooks other areas call to expose state on /metrics without depending on
 * prom-client: the circuit breaker reports its state, the local-model runner its queue depth.
 * Values are read when /metrics is scraped, so reporting costs a Map write.
 */

export type CircuitState = "closed" | "half-open" | "open";

const CIRCUIT_VALUES: Record<CircuitState, number> = { closed: 0, "half-open": 1, open: 2 };

const circuitStates = new Map<string, number>();
const queueDepths = new Map<string, number | (() => number)>();

/** Records a provider's circuit state (exported as 0 closed, 1 half-open, 2 open). */
export function reportCircuitState(provider: string, state: CircuitState): void {
  circuitStates.set(provider, CIRCUIT_VALUES[state]);
}

/** Records a local model's queue depth, as a number or a function read at scrape time. */
export function reportQueueDepth(model: string, depth: number | (() => number)): void {
  queueDepths.set(model, depth);
}

/** Forgets a provider or model that was removed (so its series stops being exported). */
export function forgetMetricSource(name: string): void {
  circuitStates.delete(name);
  queueDepths.delete(name);
}

export function circuitStateSnapshot(): ReadonlyMap<string, number> {
  return circuitStates;
}

export function queueDepthSnapshot(): Array<[string, number]> {
  return [...queueDepths].map(([model, depth]) => [model, typeof depth === "function" ? depth() : depth]);
}
