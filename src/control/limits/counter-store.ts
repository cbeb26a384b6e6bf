/**
 * Atomic counters behind rate limits, budgets and concurrency: in-process on one node, Redis
 * (one Lua script per decision) when several nodes must enforce one limit.
 * Money is counted in integer nano-USD so Redis can add it exactly.
 */
export interface BudgetCounter {
  /** Counter key, unique per scope, id, period and window. */
  key: string;
  limitNano: number;
  /** When the window ends (epoch ms): the counter expires a day after. */
  windowEnd: number;
  /** Spend already in the database for this window; read once per window per node (or per Redis key). */
  seed: () => Promise<number>;
}

export interface RateCounter {
  key: string;
  /** Bucket size: the per-minute limit. */
  capacity: number;
  /** What this request takes now: 1 for requests, the estimated tokens for tokens. */
  cost: number;
}

export interface ParallelCounter {
  key: string;
  limit: number;
}

export interface AcquireRequest {
  budgets: BudgetCounter[];
  /** Estimated cost reserved against every budget until settled. */
  estimateNano: number;
  rates: RateCounter[];
  parallel?: ParallelCounter;
}

export type AcquireResult =
  | {
      ok: true;
      /** Per budget: limit minus spent minus reserved (this request included), in nano-USD. */
      budgetRemaining: number[];
      /** Per rate: tokens left in the bucket after this request. */
      rateRemaining: number[];
    }
  | { ok: false; kind: "budget"; index: number; spentNano: number }
  | { ok: false; kind: "rate"; index: number; retryAfterMs: number }
  | { ok: false; kind: "parallel" };

export interface SettleRequest {
  budgets: BudgetCounter[];
  estimateNano: number;
  actualNano: number;
  /** Rate buckets to correct by (reserved cost - actual cost): token buckets after the real count is known. */
  rateCorrections: Array<{ key: string; capacity: number; delta: number }>;
  parallel?: ParallelCounter;
}

export interface CounterStore {
  acquire(request: AcquireRequest): Promise<AcquireResult>;
  /** The same decision without a turn of the event loop, when the store can make it now (in memory, every budget seeded); else undefined. */
  acquireNow?(request: AcquireRequest): AcquireResult | undefined;
  settle(request: SettleRequest): Promise<void>;
  /** `settle` done synchronously, for a store that never waits (in memory). */
  settleNow?(request: SettleRequest): void;
  close(): Promise<void>;
}

/** Refill rate of a per-minute bucket, per millisecond. */
export const perMs = (capacity: number) => capacity / 60_000;

export const DAY_MS = 86_400_000;
