import type { CircuitBreakerConfig } from "../config-schema.js";

export type BreakerState = "closed" | "open" | "half-open";

export interface BreakerPermit {
  allowed: boolean;
  state: BreakerState;
  /** When refused: ms until the breaker lets a probe through. */
  retryInMs?: number;
  /** True when this call is a half-open probe (its outcome closes or re-opens the breaker). */
  probe?: boolean;
}

export interface BreakerSnapshot {
  key: string;
  state: BreakerState;
  consecutiveFailures: number;
  windowRequests: number;
  windowFailures: number;
  /** Epoch ms when an open breaker turns half-open. */
  openUntil?: number;
  opens: number;
}

/**
 * Circuit breakers per provider endpoint. One store per process (memory) or shared by every node
 * (Redis). Both implement the same state machine:
 * closed --(N failures in a row, or error rate over the window)--> open --(cooldown)--> half-open
 * half-open --(probe succeeds)--> closed;  half-open --(probe fails)--> open.
 */
export interface BreakerStore {
  readonly kind: "memory" | "redis";
  acquire(key: string, config: CircuitBreakerConfig, now: number): Promise<BreakerPermit>;
  /**
   * `acquire` and `record` without a promise, for a store that decides in memory: a request's
   * attempt then starts in the same turn (no await per attempt on the hot path).
   */
  acquireNow?(key: string, config: CircuitBreakerConfig, now: number): BreakerPermit;
  recordNow?(key: string, config: CircuitBreakerConfig, success: boolean, probe: boolean, now: number): BreakerState;
  /** Returns the state after the outcome is applied. */
  record(key: string, config: CircuitBreakerConfig, success: boolean, probe: boolean, now: number): Promise<BreakerState>;
  /** Frees a half-open probe slot whose request ended without a verdict (the client went away). */
  release(key: string): Promise<void>;
  snapshot(now: number): Promise<BreakerSnapshot[]>;
  close(): Promise<void>;
}
