import { ConfigError } from "../config/load.js";
import type { ConfigFile } from "../config/schema.js";
import type { Logger } from "../observability/logger.js";
import { createRedis } from "../storage/redis.js";
import { createCacheMiddleware, type CacheLookupResult } from "./cache-middleware.js";
import { MemoryCacheStore } from "./memory-store.js";
import { RedisCacheStore } from "./redis-store.js";
import type { CacheStore } from "./store.js";
import type { ChatMiddleware } from "../gateway/pipeline.js";

export interface ResponseCache {
  middleware: ChatMiddleware;
  store: CacheStore;
  close(): Promise<void>;
}

/** Builds the cache from `cache:` and `redis:` (REDIS_URL overrides); undefined when the mode is off. */
export function createResponseCache(
  config: ConfigFile,
  options: { env: NodeJS.ProcessEnv; logger: Logger; onLookup?: (result: CacheLookupResult) => void },
): ResponseCache | undefined {
  const cache = config.cache;
  if (cache.mode === "off") return undefined;
  const redisUrl = options.env.REDIS_URL || config.redis.url;
  let store: CacheStore;
  if (cache.backend === "redis" || (cache.backend === "auto" && redisUrl)) {
    if (!redisUrl) throw new ConfigError("config", ["cache.backend: redis needs redis.url or the REDIS_URL environment variable"]);
    store = new RedisCacheStore(createRedis(redisUrl, { connectionName: "switchyard-cache" }), `${config.redis.key_prefix}cache:`, options.logger, true);
  } else {
    store = new MemoryCacheStore(cache.max_entries, cache.max_bytes);
  }
  return {
    middleware: createCacheMiddleware({ config: cache, store, logger: options.logger, onLookup: options.onLookup }),
    store,
    close: () => store.close(),
  };
}
