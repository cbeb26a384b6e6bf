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

  acquireNow(request: AcquireRequest): AcquireResult | undefined {
    const { budgets } = request;
    for (let index = 0; index < budgets.length; index++) if (!this.budgets.has(budgets[index]!.key)) return undefined;
    return this.decide(request, Date.now());
  }

  /** Runs per request: index loops, no iterators or intermediate arrays beyond the answer's. */
  private decide(request: AcquireRequest, now: number): AcquireResult {
    const { budgets, rates } = request;
    const states: Budget[] = new Array(budgets.length);
    for (let index = 0; index < budgets.length; index++) {
      const state = this.budgets.get(budgets[index]!.key)!;
      states[index] = state;
      if (state.spent + state.reserved + request.estimateNano > budgets[index]!.limitNano) return { ok: false, kind: "budget", index, spentNano: state.spent };
    }
    const refilled: number[] = new Array(rates.length);
    for (let index = 0; index < rates.length; index++) {
      const rate = rates[index]!;
      const bucket = this.buckets.get(rate.key);
      refilled[index] = bucket ? Math.min(rate.capacity, bucket.tokens + (now - bucket.at) * perMs(rate.capacity)) : rate.capacity;
    }
    for (let index = 0; index < rates.length; index++) {
      const rate = rates[index]!;
      const need = Math.min(rate.cost, rate.capacity);
      const tokens = refilled[index]!;
      if (tokens < need) return { ok: false, kind: "rate", index, retryAfterMs: (need - tokens) / perMs(rate.capacity) };
    }
    if (request.parallel && (this.parallel.get(request.parallel.key) ?? 0) >= request.parallel.limit) return { ok: false, kind: "parallel" };

    for (const state of states) state.reserved += request.estimateNano;
    for (let index = 0; index < rates.length; index++) {
      const tokens = refilled[index]! - rates[index]!.cost;
      refilled[index] = tokens;
      const bucket = this.buckets.get(rates[index]!.key);
      if (bucket) {
        bucket.tokens = tokens;
        bucket.at = now;
      } else this.buckets.set(rates[index]!.key, { tokens, at: now });
    }
    if (request.parallel) this.parallel.set(request.parallel.key, (this.parallel.get(request.parallel.key) ?? 0) + 1);
    this.sweep(now);
    const budgetRemaining: number[] = new Array(budgets.length);
    for (let index = 0; index < budgets.length; index++) budgetRemaining[index] = budgets[index]!.limitNano - states[index]!.spent - states[index]!.reserved;
    return { ok: true, budgetRemaining, rateRemaining: refilled };
  }

  async settle(request: SettleRequest): Promise<void> {
    this.settleNow(request);
  }

  settleNow(request: SettleRequest): void {
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
