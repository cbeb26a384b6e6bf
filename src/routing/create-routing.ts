import type { Runtime } from "../config/resolve.js";
import { createRedis } from "../storage/redis.js";
import { FailOpenBreakerStore } from "./breaker/fail-open-breaker-store.js";
import { RedisBreakerStore } from "./breaker/redis-breaker-store.js";
import { RoutingEngine } from "./engine.js";

/** The routing engine for an app: breakers shared through Redis when REDIS_URL (or `redis.url`) is set, else in-process. */
export function createRoutingEngine(runtime: Runtime, env: NodeJS.ProcessEnv, options: { random?: () => number } = {}): RoutingEngine {
  const url = env.REDIS_URL || runtime.config.redis.url;
  if (!url) return new RoutingEngine(runtime, options);
  const redis = createRedis(url, { connectionName: "switchyard-breakers" });
  const shared = new RedisBreakerStore(redis, "swy:breaker:", true);
  return new RoutingEngine(runtime, { ...options, breakers: new FailOpenBreakerStore(shared, redis, runtime.logger) });
}
