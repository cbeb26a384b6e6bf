import type { Redis } from "ioredis";
import type { Logger } from "../../observability/logger.js";
import type { CircuitBreakerConfig } from "../config-schema.js";
import type { BreakerPermit, BreakerSnapshot, BreakerState, BreakerStore } from "./breaker-store.js";
import { MemoryBreakerStore } from "./memory-breaker-store.js";

const DOWN = new Set(["reconnecting", "close", "end"]);

/**
 * Shared breakers that survive a Redis outage: while Redis is unreachable each node keeps its own
 * in-process breakers (fail open), so a breaker store outage never fails requests that would
 * otherwise succeed. Nodes share state again once Redis answers.
 */
export class FailOpenBreakerStore implements BreakerStore {
  readonly kind = "redis" as const;
  private readonly local = new MemoryBreakerStore();
  private degraded = false;

  constructor(
    private readonly shared: BreakerStore,
    private readonly redis: Pick<Redis, "status">,
    private readonly logger: Logger,
  ) {}

  acquire(key: string, config: CircuitBreakerConfig, now: number): Promise<BreakerPermit> {
    return this.either((store) => store.acquire(key, config, now));
  }

  record(key: string, config: CircuitBreakerConfig, success: boolean, probe: boolean, now: number): Promise<BreakerState> {
    return this.either((store) => store.record(key, config, success, probe, now));
  }

  release(key: string): Promise<void> {
    return this.either((store) => store.release(key));
  }

  snapshot(now: number): Promise<BreakerSnapshot[]> {
    return this.either((store) => store.snapshot(now));
  }

  async close(): Promise<void> {
    await Promise.all([this.shared.close(), this.local.close()]);
  }

  private async either<T>(call: (store: BreakerStore) => Promise<T>): Promise<T> {
    // Not queueing behind a connection known to be down keeps requests as fast as without Redis.
    if (DOWN.has(this.redis.status)) return this.fallback(call, undefined);
    try {
      const result = await call(this.shared);
      if (this.degraded) {
        this.degraded = false;
        this.logger.info("circuit breakers: Redis is back; breaker state is shared again");
      }
      return result;
    } catch (error) {
      return this.fallback(call, error);
    }
  }

  private fallback<T>(call: (store: BreakerStore) => Promise<T>, error: unknown): Promise<T> {
    if (!this.degraded) {
      this.degraded = true;
      this.logger.warn({ err: error, redis: this.redis.status }, "circuit breakers: Redis is unreachable; using in-process breakers until it returns");
    }
    return call(this.local);
  }
}
