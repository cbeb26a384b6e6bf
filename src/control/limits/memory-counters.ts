import { DAY_MS, perMs, type AcquireRequest, type AcquireResult, type CounterStore, type SettleRequest } from "./counter-store.js";

interface Budget {
  spent: number;
  reserved: number;
  expires: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Counters for one node: every decision is synchronous, so it is atomic by construction. */
export class MemoryCounters implements CounterStore {
  private readonly budgets = new Map<string, Budget>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly parallel = new Map<string, number>();

  async acquire(request: AcquireRequest): Promise<AcquireResult> {
    for (const budget of request.budgets) {
      if (!this.budgets.has(budget.key)) {
        const spent = await budget.seed();
        // Another request may have seeded it while this one waited.
        if (!this.budgets.has(budget.key)) this.budgets.set(budget.key, { spent, reserved: 0, expires: budget.windowEnd + DAY_MS });
      }
    }
    return this.decide(request, Date.now());
  }

  private decide(request: AcquireRequest, now: number): AcquireResult {
    const states = request.budgets.map((budget) => this.budgets.get(budget.key)!);
    for (const [index, budget] of request.budgets.entries()) {
      const state = states[index]!;
      if (state.spent + state.reserved + request.estimateNano > budget.limitNano) return { ok: false, kind: "budget", index, spentNano: state.spent };
    }
    const refilled = request.rates.map((rate) => {
      const bucket = this.buckets.get(rate.key);
      if (!bucket) return rate.capacity;
      return Math.min(rate.capacity, bucket.tokens + (now - bucket.at) * perMs(rate.capacity));
    });
    for (const [index, rate] of request.rates.entries()) {
      const need = Math.min(rate.cost, rate.capacity);
      const tokens = refilled[index]!;
      if (tokens < need) return { ok: false, kind: "rate", index, retryAfterMs: (need - tokens) / perMs(rate.capacity) };
    }
    if (request.parallel && (this.parallel.get(request.parallel.key) ?? 0) >= request.parallel.limit) return { ok: false, kind: "parallel" };

    for (const state of states) state.reserved += request.estimateNano;
    const rateRemaining = request.rates.map((rate, index) => {
      const tokens = refilled[index]! - rate.cost;
      this.buckets.set(rate.key, { tokens, at: now });
      return tokens;
    });
    if (request.parallel) this.parallel.set(request.parallel.key, (this.parallel.get(request.parallel.key) ?? 0) + 1);
    this.sweep(now);
    return {
      ok: true,
      budgetRemaining: request.budgets.map((budget, index) => budget.limitNano - states[index]!.spent - states[index]!.reserved),
      rateRemaining,
    };
  }

  async settle(request: SettleRequest): Promise<void> {
    for (const budget of request.budgets) {
      const state = this.budgets.get(budget.key);
      if (!state) continue;
      state.reserved -= request.estimateNano;
      state.spent += request.actualNano;
    }
    for (const correction of request.rateCorrections) {
      const bucket = this.buckets.get(correction.key);
      if (bucket) bucket.tokens = Math.min(correction.capacity, bucket.tokens + correction.delta);
    }
    if (request.parallel) this.parallel.set(request.parallel.key, Math.max(0, (this.parallel.get(request.parallel.key) ?? 1) - 1));
  }

  async close(): Promise<void> {}

  private lastSweep = 0;

  /** Drops ended budget windows now and then so long-running nodes do not grow without bound. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, state] of this.budgets) if (state.expires < now && state.reserved === 0) this.budgets.delete(key);
  }
}
