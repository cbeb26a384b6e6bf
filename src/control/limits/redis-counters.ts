import { createHash } from "node:crypto";
import type { Redis } from "../../storage/redis.js";
import { ACQUIRE_SCRIPT, SEED_SCRIPT, SETTLE_SCRIPT } from "./redis-scripts.js";
import { DAY_MS, type AcquireRequest, type AcquireResult, type CounterStore, type SettleRequest } from "./counter-store.js";

const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

type Reply = Array<string | number>;

/** Counters shared by every node through Redis; each decision is one script call. */
export class RedisCounters implements CounterStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ownsConnection = true,
  ) {}

  async acquire(request: AcquireRequest): Promise<AcquireResult> {
    const keys = [
      ...request.budgets.map((budget) => this.prefix + budget.key),
      ...request.rates.map((rate) => this.prefix + rate.key),
      ...(request.parallel ? [this.prefix + request.parallel.key] : []),
    ];
    const args: Array<string | number> = [request.budgets.length, request.rates.length, request.parallel ? 1 : 0, Math.round(request.estimateNano)];
    for (const budget of request.budgets) args.push(Math.round(budget.limitNano), 0);
    for (const rate of request.rates) args.push(rate.capacity, rate.cost);
    if (request.parallel) args.push(request.parallel.limit);

    for (let round = 0; round < 3; round++) {
      const reply = (await this.run(ACQUIRE_SCRIPT, keys, args)) as Reply;
      const kind = Number(reply[0]);
      if (kind === -1) {
        await Promise.all(reply.slice(1).map((index) => this.seed(request.budgets[Number(index) - 1]!)));
        continue;
      }
      if (kind === 1) return { ok: false, kind: "budget", index: Number(reply[1]) - 1, spentNano: Number(reply[2]) };
      if (kind === 2) return { ok: false, kind: "rate", index: Number(reply[1]) - 1, retryAfterMs: Number(reply[2]) };
      if (kind === 3) return { ok: false, kind: "parallel" };
      const values = reply.slice(1).map(Number);
      return { ok: true, budgetRemaining: values.slice(0, request.budgets.length), rateRemaining: values.slice(request.budgets.length) };
    }
    throw new Error("budget counters could not be seeded");
  }

  async settle(request: SettleRequest): Promise<void> {
    const keys = [
      ...request.budgets.map((budget) => this.prefix + budget.key),
      ...request.rateCorrections.map((rate) => this.prefix + rate.key),
      ...(request.parallel ? [this.prefix + request.parallel.key] : []),
    ];
    const args: Array<string | number> = [
      request.budgets.length,
      request.rateCorrections.length,
      request.parallel ? 1 : 0,
      -Math.round(request.estimateNano),
      Math.round(request.actualNano),
    ];
    for (const correction of request.rateCorrections) args.push(correction.capacity, correction.delta);
    await this.run(SETTLE_SCRIPT, keys, args);
  }

  async close(): Promise<void> {
    if (this.ownsConnection) this.redis.disconnect();
  }

  private async seed(budget: AcquireRequest["budgets"][number]): Promise<void> {
    const spent = await budget.seed();
    await this.run(SEED_SCRIPT, [this.prefix + budget.key], [Math.round(spent), budget.windowEnd + DAY_MS]);
  }

  /** EVALSHA, loading the script on first use (or after a Redis restart). */
  private async run(script: string, keys: string[], args: Array<string | number>): Promise<unknown> {
    try {
      return await this.redis.evalsha(sha1(script), keys.length, ...keys, ...args);
    } catch (error) {
      if (!String((error as Error).message).includes("NOSCRIPT")) throw error;
      return this.redis.eval(script, keys.length, ...keys, ...args);
    }
  }
}
