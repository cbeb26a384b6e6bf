import type { Logger } from "../observability/logger.js";
import { createRedis } from "../storage/redis.js";
import { FailOpenBreakerStore } from "./breaker/fail-open-breaker-store.js";
import { RedisBreakerStore } from "./breaker/redis-breaker-store.js";
import { RoutingEngine, type RoutingDependencies } from "./engine.js";

export interface RoutingEngineOptions extends RoutingDependencies {
  /** Shares circuit breakers between nodes when set (`REDIS_URL` or `redis.url`). */
  redisUrl?: string;
  logger: Logger;
  random?: () => number;
}

/** The routing engine for an app: breakers shared through Redis when a Redis URL is given, else in-process. */
export function createRoutingEngine(options: RoutingEngineOptions): RoutingEngine {
  const { redisUrl, logger, random, ...dependencies } = options;
  if (!redisUrl) return new RoutingEngine(dependencies, { random });
  const redis = createRedis(redisUrl, { connectionName: "switchyard-breakers" });
  const shared = new RedisBreakerStore(redis, "swy:breaker:", true);
  return new RoutingEngine(dependencies, { random, breakers: new FailOpenBreakerStore(shared, redis, logger) });
}
