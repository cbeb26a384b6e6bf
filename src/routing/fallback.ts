import { SwitchyardError, isAbortError, toSwitchyardError } from "../core/errors.js";
import { reportCircuitState } from "../observability/hooks.js";
import type { GatewayContext } from "../gateway/context.js";
import type { ChatResult } from "../gateway/pipeline.js";
import { openAttempt, type AttemptOptions } from "./attempt.js";
import { retryDelay, sleep } from "./backoff.js";
import { orderRoutes, routeKey } from "./balancer.js";
import type { BreakerStore } from "./breaker/breaker-store.js";
import { MemoryBreakerStore } from "./breaker/memory-breaker-store.js";
import { defaultStrategy, type StrategyConfig } from "./config-schema.js";
import { countsAgainstBreaker, triggersFallback } from "./failure-policy.js";
import type { ModelEntry, Route } from "./model-registry.js";
import { RouteStats } from "./route-stats.js";

export interface RoutingServices {
  breakers: BreakerStore;
  stats: RouteStats;
  /** Upper bound for one request, all attempts and waits included. */
  requestTimeoutMs: number;
  random?: () => number;
}

const fallbackServices: RoutingServices = { breakers: new MemoryBreakerStore(), stats: new RouteStats(), requestTimeoutMs: 600_000 };

/** The breaker guards a provider endpoint: every model behind one provider shares it. */
export function breakerKey(route: Route): string {
  return route.provider.name;
}

/**
 * Runs a request over an entry's routes under its strategy: balancing decides the order, each route
 * may be retried with backoff (honouring Retry-After, within the deadline), an open circuit skips a
 * route, and the failures named by `fallback_on` move on to the next one. A stream that fails before
 * its first client-visible part counts as a failed attempt; after that the stream ends with an
 * `error` part.
 */
export function runWithFallback(
  context: GatewayContext,
  entry: ModelEntry,
  services: RoutingServices = fallbackServices,
  extraRoutes: Route[] = [],
): Promise<ChatResult> {
  return runRoutes(context, entry, services, extraRoutes, openAttempt);
}

/** Opens one attempt of one route: resolves once the first client-visible part is in hand, rejects to fall back. */
export type AttemptOpener<Result> = (context: GatewayContext, route: Route, options: AttemptOptions) => Promise<{ result: Result; firstPartMs: number }>;

/**
 * The strategy itself, over any way of opening an attempt: `openAttempt` for the canonical stream,
 * or the OpenAI edge's fast path, which reads the upstream response itself (src/api/fast/).
 */
export async function runRoutes<Result>(
  context: GatewayContext,
  entry: ModelEntry,
  services: RoutingServices,
  extraRoutes: Route[],
  open: AttemptOpener<Result>,
): Promise<Result> {
  const strategy: StrategyConfig = entry.strategy ?? defaultStrategy;
  const ordered = orderRoutes(strategy.mode, entry.routes, services.stats, services.random);
  // Read only below, so the entry's own list (what `orderRoutes` gives for one route) needs no copy.
  const routes = extraRoutes.length === 0 ? ordered : [...ordered, ...extraRoutes];
  if (routes.length === 0) {
    throw new SwitchyardError("SWY_ERR_MODEL_UNAVAILABLE", `The model '${entry.name}' has no usable route.`);
  }
  const deadline = context.startedAt + services.requestTimeoutMs;
  const breakerConfig = strategy.circuit_breaker;
  const breakers = services.breakers;
  let lastError: SwitchyardError | undefined;
  let soonestProbe: number | undefined;

  for (const route of routes) {
    for (let retry = 0; ; retry++) {
      const key = breakerKey(route);
      let probe = false;
      if (breakerConfig.enabled) {
        // A store that decides in memory answers at once: the attempt starts in this turn.
        const permit =
          breakers.acquireNow !== undefined ? breakers.acquireNow(key, breakerConfig, Date.now()) : await breakers.acquire(key, breakerConfig, Date.now());
        reportCircuitState(key, permit.state);
        if (!permit.allowed) {
          soonestProbe = Math.min(soonestProbe ?? Infinity, permit.retryInMs ?? breakerConfig.cooldown_ms);
          context.attempts.push({ provider: route.provider.name, model: route.model, error: "SWY_ERR_CIRCUIT_OPEN", durationMs: 0 });
          break;
        }
        probe = permit.probe === true;
      }
      const statsKey = routeKey(route);
      const started = performance.now();
      services.stats.begin(statsKey);
      try {
        const opened = await open(context, route, {
          timeouts: strategy.timeouts,
          deadline,
          settle: (outcome, error) => {
            services.stats.end(statsKey);
            if (!breakerConfig.enabled) return;
            // An abandoned request says nothing about health, but a probe must give its slot back.
            if (outcome === "abandoned") {
              if (probe) breakers.release(key).catch(() => undefined);
              return;
            }
            const failed = outcome === "failure" && error !== undefined && countsAgainstBreaker(error);
            if (breakers.recordNow !== undefined) {
              reportCircuitState(key, breakers.recordNow(key, breakerConfig, !failed, probe, Date.now()));
              return;
            }
            breakers.record(key, breakerConfig, !failed, probe, Date.now()).then(
              (state) => reportCircuitState(key, state),
              () => undefined,
            );
          },
        });
        services.stats.observe(statsKey, opened.firstPartMs);
        context.attempts.push({ provider: route.provider.name, model: route.model, durationMs: performance.now() - started });
        context.route = { provider: route.provider.name, providerType: route.provider.type, model: route.model };
        return opened.result;
      } catch (error) {
        if (context.signal.aborted && isAbortError(error)) throw error;
        const failure = toSwitchyardError(error);
        const durationMs = performance.now() - started;
        services.stats.observe(statsKey, Math.max(durationMs, services.stats.latencyOf(statsKey) ?? 0) * 2);
        context.attempts.push({ provider: route.provider.name, model: route.model, error: failure.code, status: failure.upstream?.status, durationMs });
        lastError = failure;
        if (context.signal.aborted || !triggersFallback(failure, strategy.fallback_on)) throw failure;
        if (retry >= strategy.retry.attempts) break;
        const delay = retryDelay(retry + 1, strategy.retry, failure.retryAfterSeconds, deadline - performance.now(), services.random);
        if (delay === undefined) break;
        await sleep(delay, context.signal);
      }
    }
  }
  if (lastError) throw lastError;
  throw new SwitchyardError("SWY_ERR_CIRCUIT_OPEN", `Every route of '${entry.name}' is paused after repeated upstream failures.`, {
    retryAfterSeconds: Math.max(1, Math.ceil((soonestProbe ?? breakerConfig.cooldown_ms) / 1000)),
  });
}
