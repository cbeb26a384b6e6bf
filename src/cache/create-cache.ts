import { ConfigError } from "../config/load.js";
import type { ConfigFile } from "../config/schema.js";
import type { Logger } from "../observability/logger.js";
import type { ModelRegistry } from "../routing/model-registry.js";
import { createRedis, type Redis } from "../storage/redis.js";
import { createCacheMiddleware, type CacheLookupResult } from "./cache-middleware.js";
import { MemoryCacheStore } from "./memory-store.js";
import { RedisCacheStore } from "./redis-store.js";
import { SemanticCache, type CacheEmbedder } from "./semantic-cache.js";
import { MemorySemanticStore } from "./semantic-memory-store.js";
import { RedisSemanticStore } from "./semantic-redis-store.js";
import type { SemanticStore } from "./semantic-store.js";
import type { CacheStore } from "./store.js";
import type { ChatMiddleware } from "../gateway/pipeline.js";

export interface ResponseCache {
  middleware: ChatMiddleware;
  store: CacheStore;
  /** Present when `cache.semantic` is enabled. */
  semantic?: SemanticCache;
  close(): Promise<void>;
}

export interface ResponseCacheOptions {
  env: NodeJS.ProcessEnv;
  logger: Logger;
  onLookup?: (result: CacheLookupResult) => void;
  /** Embeddings for the semantic layer, through the gateway. */
  embed?: CacheEmbedder;
  /** Checks at startup that `cache.semantic.embedding_model` names a model that can embed. */
  models?: ModelRegistry;
}

/** Builds the cache from `cache:` and `redis:` (REDIS_URL overrides); undefined when the mode is off. */
export function createResponseCache(config: ConfigFile, options: ResponseCacheOptions): ResponseCache | undefined {
  const cache = config.cache;
  if (cache.mode === "off") return undefined;
  const redisUrl = options.env.REDIS_URL || config.redis.url;
  const prefix = `${config.redis.key_prefix}cache:`;
  let redis: Redis | undefined;
  let store: CacheStore;
  if (cache.backend === "redis" || (cache.backend === "auto" && redisUrl)) {
    if (!redisUrl) throw new ConfigError("config", ["cache.backend: redis needs redis.url or the REDIS_URL environment variable"]);
    redis = createRedis(redisUrl, { connectionName: "switchyard-cache" });
    store = new RedisCacheStore(redis, prefix, options.logger, true);
  } else {
    store = new MemoryCacheStore(cache.max_entries, cache.max_bytes);
  }
  const semantic = semanticLayer(config, options, redis ? new RedisSemanticStore(redis, prefix, cache.semantic?.max_entries ?? 0, options.logger, false) : undefined);
  return {
    middleware: createCacheMiddleware({ config: cache, store, logger: options.logger, semantic, onLookup: options.onLookup }),
    store,
    semantic,
    close: async () => {
      await semantic?.close();
      await store.close();
    },
  };
}

function semanticLayer(config: ConfigFile, options: ResponseCacheOptions, redisStore: SemanticStore | undefined): SemanticCache | undefined {
  const settings = config.cache.semantic;
  if (!settings?.enabled || settings.embedding_model === undefined) return undefined;
  const model = settings.embedding_model;
  if (!options.embed) throw new ConfigError("config", ["cache.semantic: this gateway was assembled without an embedding path"]);
  if (options.models) {
    let routes;
    try {
      routes = options.models.resolve(model).routes;
    } catch (error) {
      throw new ConfigError("config", [`cache.semantic.embedding_model: ${(error as Error).message}`]);
    }
    if (!routes.some((route) => typeof route.provider.embed === "function")) {
      throw new ConfigError("config", [`cache.semantic.embedding_model: no route of '${model}' goes to a provider that serves embeddings`]);
    }
  }
  const store = redisStore ?? new MemorySemanticStore(settings.max_entries, config.cache.max_bytes);
  return new SemanticCache({ config: { ...settings, embedding_model: model }, store, embed: options.embed, logger: options.logger, defaultTtlMs: config.cache.ttl_seconds * 1000 });
}
