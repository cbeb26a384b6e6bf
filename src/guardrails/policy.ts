import type { InputAction, OutputAction } from "./config.js";

/** Effective action per category; a category absent from the map is not scanned for. */
export type ResolvedPolicy<Action extends string> = ReadonlyMap<string, Action>;

// Keeping a request on the machine is stricter than changing what leaves it, and less than refusing it.
const SEVERITY: Record<InputAction, number> = { allow: 0, mask: 1, redact: 2, route_local: 3, block: 4 };

/**
 * Overlays policy layers from general to specific. Within one layer an explicit category beats
 * that layer's `*`; a later layer's `*` beats an earlier layer's explicit category.
 */
export function mergeLayers<Action extends string>(
  categories: readonly string[],
  layers: ReadonlyArray<Readonly<Record<string, Action>> | undefined>,
): Map<string, Action> {
  const result = new Map<string, Action>();
  for (const layer of layers) {
    if (!layer) continue;
    const wildcard = layer["*"];
    for (const category of categories) {
      const action = layer[category] ?? wildcard;
      if (action !== undefined) result.set(category, action);
    }
  }
  return result;
}

/** Per category, the most severe action among several (one per provider a request may reach). */
export function strictest(policies: ReadonlyArray<ReadonlyMap<string, InputAction>>): Map<string, InputAction> {
  const result = new Map<string, InputAction>();
  for (const policy of policies) {
    for (const [category, action] of policy) {
      const current = result.get(category);
      if (current === undefined || SEVERITY[action] > SEVERITY[current]) result.set(category, action);
    }
  }
  return result;
}

/** Drops `allow` entries: nothing needs scanning for them. */
export function activeCategories<Action extends string>(policy: ReadonlyMap<string, Action>): Set<string> {
  const active = new Set<string>();
  for (const [category, action] of policy) if (action !== "allow") active.add(category);
  return active;
}

export type { InputAction, OutputAction };
