import type { Redis } from "ioredis";
import type { Logger } from "../observability/logger.js";
import type { CachedResponse, CacheStore } from "./store.js";

/**
 * Entries as JSON strings under `<prefix>cache:<key>` with a PX expiry, so Redis does the TTL and
 * eviction (set a maxmemory policy there). A Redis failure is a cache miss, never a failed request.
 */
export class RedisCacheStore implements CacheStore {
  readonly kind = "redis";

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
    private readonly ownsConnection: boolean,
  ) {}

  async get(key: string): Promise<CachedResponse | undefined> {
    try {
      const text = await this.redis.get(this.prefix + key);
      return text === null ? undefined : (JSON.parse(text) as CachedResponse);
    } catch (error) {
      this.logger.warn({ err: error }, "response cache: redis read failed; treating as a miss");
      return undefined;
    }
  }

  async set(key: string, value: CachedResponse, ttlMs: number): Promise<void> {
    try {
      await this.redis.set(this.prefix + key, JSON.stringify(value), "PX", ttlMs);
    } catch (error) {
      this.logger.warn({ err: error }, "response cache: redis write failed; entry not stored");
    }
  }

  async close(): Promise<void> {
    if (this.ownsConnection) this.redis.disconnect();
  }
}
