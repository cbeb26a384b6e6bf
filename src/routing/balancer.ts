import type { StrategyConfig } from "./config-schema.js";
import type { Route } from "./model-registry.js";
import type { RouteStats } from "./route-stats.js";

export function routeKey(route: Route): string {
  return `${route.provider.name}/${route.model}`;
}

/** Weighted sampling without replacement (Efraimidis-Spirakis keys): the first pick follows the weights, the rest are fallbacks. */
function weightedOrder(routes: Route[], random: () => number): Route[] {
  return routes
    .map((route) => ({ route, key: Math.log(Math.max(random(), Number.MIN_VALUE)) / (route.weight ?? 1) }))
    .sort((left, right) => right.key - left.key)
    .map((item) => item.route);
}

/**
 * The order in which a request tries an entry's routes. Every mode keeps all routes in the list:
 * the balancing picks who goes first; the rest remain fallbacks.
 */
export function orderRoutes(mode: StrategyConfig["mode"], routes: Route[], stats: RouteStats, random: () => number = Math.random): Route[] {
  if (routes.length <= 1 || mode === "fallback") return routes;
  if (mode === "weighted") return weightedOrder(routes, random);
  const indexed = routes.map((route, index) => ({ route, index, key: routeKey(route) }));
  if (mode === "least-busy") {
    return indexed
      .sort((left, right) => stats.busyOf(left.key) - stats.busyOf(right.key) || left.index - right.index)
      .map((item) => item.route);
  }
  // least-latency: routes never measured go first so each gets a first measurement.
  return indexed
    .sort((left, right) => (stats.latencyOf(left.key) ?? -1) - (stats.latencyOf(right.key) ?? -1) || left.index - right.index)
    .map((item) => item.route);
}
