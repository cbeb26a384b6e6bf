import type { CircuitBreakerConfig } from "../config-schema.js";
import type { BreakerPermit, BreakerSnapshot, BreakerState, BreakerStore } from "./breaker-store.js";

interface Breaker {
  state: BreakerState;
  consecutiveFailures: number;
  windowStart: number;
  windowRequests: number;
  windowFailures: number;
  openUntil: number;
  probesInFlight: number;
  opens: number;
}

/** The permit of a closed breaker: the same every time, so not a new object per request. */
const CLOSED: BreakerPermit = Object.freeze({ allowed: true, state: "closed" });

/** In-process breakers: the embedded default. */
export class MemoryBreakerStore implements BreakerStore {
  readonly kind = "memory" as const;
  private readonly breakers = new Map<string, Breaker>();

  private get(key: string, now: number): Breaker {
    let breaker = this.breakers.get(key);
    if (!breaker) {
      breaker = { state: "closed", consecutiveFailures: 0, windowStart: now, windowRequests: 0, windowFailures: 0, openUntil: 0, probesInFlight: 0, opens: 0 };
      this.breakers.set(key, breaker);
    }
    return breaker;
  }

  async acquire(key: string, config: CircuitBreakerConfig, now: number): Promise<BreakerPermit> {
    return this.acquireNow(key, config, now);
  }

  acquireNow(key: string, config: CircuitBreakerConfig, now: number): BreakerPermit {
    const breaker = this.get(key, now);
    if (breaker.state === "open") {
      if (now < breaker.openUntil) return { allowed: false, state: "open", retryInMs: breaker.openUntil - now };
      breaker.state = "half-open";
      breaker.probesInFlight = 0;
    }
    if (breaker.state === "half-open") {
      if (breaker.probesInFlight >= config.half_open_probes) return { allowed: false, state: "half-open", retryInMs: config.cooldown_ms };
      breaker.probesInFlight++;
      return { allowed: true, state: "half-open", probe: true };
    }
    return CLOSED;
  }

  async record(key: string, config: CircuitBreakerConfig, success: boolean, probe: boolean, now: number): Promise<BreakerState> {
    return this.recordNow(key, config, success, probe, now);
  }

  recordNow(key: string, config: CircuitBreakerConfig, success: boolean, probe: boolean, now: number): BreakerState {
    const breaker = this.get(key, now);
    if (now - breaker.windowStart > config.window_ms) {
      breaker.windowStart = now;
      breaker.windowRequests = 0;
      breaker.windowFailures = 0;
    }
    breaker.windowRequests++;
    if (!success) breaker.windowFailures++;
    breaker.consecutiveFailures = success ? 0 : breaker.consecutiveFailures + 1;
    if (probe) breaker.probesInFlight = Math.max(0, breaker.probesInFlight - 1);

    if (breaker.state === "half-open" && probe) {
      if (success) {
        breaker.state = "closed";
        breaker.windowStart = now;
        breaker.windowRequests = 0;
        breaker.windowFailures = 0;
      } else {
        this.open(breaker, config, now);
      }
      return breaker.state;
    }
    if (breaker.state === "closed" && !success) {
      const rateTripped = breaker.windowRequests >= config.min_requests && breaker.windowFailures / breaker.windowRequests >= config.error_rate;
      if (breaker.consecutiveFailures >= config.consecutive_failures || rateTripped) this.open(breaker, config, now);
    }
    return breaker.state;
  }

  async release(key: string): Promise<void> {
    const breaker = this.breakers.get(key);
    if (breaker) breaker.probesInFlight = Math.max(0, breaker.probesInFlight - 1);
  }

  private open(breaker: Breaker, config: CircuitBreakerConfig, now: number): void {
    breaker.state = "open";
    breaker.openUntil = now + config.cooldown_ms;
    breaker.probesInFlight = 0;
    breaker.opens++;
  }

  async snapshot(now: number): Promise<BreakerSnapshot[]> {
    return [...this.breakers.entries()].map(([key, breaker]) => ({
      key,
      state: breaker.state === "open" && now >= breaker.openUntil ? "half-open" : breaker.state,
      consecutiveFailures: breaker.consecutiveFailures,
      windowRequests: breaker.windowRequests,
      windowFailures: breaker.windowFailures,
      openUntil: breaker.state === "open" ? breaker.openUntil : undefined,
      opens: breaker.opens,
    }));
  }

  async close(): Promise<void> {}
}
