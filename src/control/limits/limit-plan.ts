import type { Kysely } from "kysely";
import type { Database } from "../../storage/database.js";
import { budgetFor, budgetPeriods, periodWindow, type BudgetPeriod, type Limits } from "../budgets.js";
import type { KeyGrant } from "../auth/key-directory.js";
import type { BudgetCounter, RateCounter } from "./counter-store.js";

export interface BudgetLine {
  scope: "key" | "project";
  name: string;
  period: BudgetPeriod;
  limitUsd: number;
  windowEnd: number;
}

export interface RateLine {
  scope: "key" | "project";
  name: string;
  unit: "requests" | "tokens";
  perMinute: number;
}

export interface LimitPlan {
  budgets: BudgetCounter[];
  budgetLines: BudgetLine[];
  rates: RateCounter[];
  rateLines: RateLine[];
}

export const NANO = 1_000_000_000;

/** Every counter a request by this key touches: key and project budgets per period, RPM and TPM. */
export function planLimits(db: Kysely<Database>, grant: KeyGrant, estimatedTokens: number, now: number): LimitPlan {
  return withTokens(grantPlan(db, grant, now), estimatedTokens);
}

/**
 * A grant's plan without the request's token estimate: its counter keys, limits and lines. It holds
 * while every budget's window does, so one busy key builds it once per window, not per request.
 */
export interface GrantPlan {
  budgets: readonly BudgetCounter[];
  budgetLines: readonly BudgetLine[];
  rateLines: readonly RateLine[];
  /** Per rate line: its counter for a request-counting line (cost 1, shared), undefined for a token line. */
  fixedRates: ReadonlyArray<RateCounter | undefined>;
  rateKeys: readonly string[];
  /** The indices of the token lines: what settlement corrects once the real count is known. */
  tokenRates: readonly number[];
  /** Per rate line, its per-minute limit as its header writes it; per budget line, its limit in USD (six decimals). */
  rateLimitTexts: readonly string[];
  budgetLimitTexts: readonly string[];
  /** The plan holds for `now` in [from, until): the latest window start and the earliest window end. */
  from: number;
  until: number;
}

function grantPlan(db: Kysely<Database>, grant: KeyGrant, now: number): GrantPlan {
  const budgets: BudgetCounter[] = [];
  const budgetLines: BudgetLine[] = [];
  const rateLines: RateLine[] = [];
  const fixedRates: Array<RateCounter | undefined> = [];
  const rateKeys: string[] = [];
  const tokenRates: number[] = [];
  let from = Number.NEGATIVE_INFINITY;
  let until = Number.POSITIVE_INFINITY;
  const scopes: Array<{ scope: "key" | "project"; id: string; name: string; limits: Limits }> = [
    { scope: "key", id: grant.key.id, name: grant.key.name || grant.key.id, limits: grant.key.limits },
    { scope: "project", id: grant.project.id, name: grant.project.name, limits: grant.project.limits },
  ];
  for (const { scope, id, name, limits } of scopes) {
    for (const period of budgetPeriods) {
      const limitUsd = budgetFor(limits, period);
      if (limitUsd === undefined) continue;
      const window = periodWindow(period, now);
      from = Math.max(from, window.start);
      until = Math.min(until, window.end);
      budgets.push({
        key: `b:${scope}:${id}:${period}:${window.start}`,
        limitNano: limitUsd * NANO,
        windowEnd: window.end,
        seed: () => spentSince(db, scope, id, window.start, window.end),
      });
      budgetLines.push({ scope, name, period, limitUsd, windowEnd: window.end });
    }
    if (limits.rpm !== undefined) {
      const key = `r:${scope}:${id}:rpm`;
      fixedRates.push(Object.freeze({ key, capacity: limits.rpm, cost: 1 }));
      rateKeys.push(key);
      rateLines.push({ scope, name, unit: "requests", perMinute: limits.rpm });
    }
    if (limits.tpm !== undefined) {
      tokenRates.push(rateLines.length);
      fixedRates.push(undefined);
      rateKeys.push(`r:${scope}:${id}:tpm`);
      rateLines.push({ scope, name, unit: "tokens", perMinute: limits.tpm });
    }
  }
  const rateLimitTexts = rateLines.map((line) => String(line.perMinute));
  const budgetLimitTexts = budgetLines.map((line) => line.limitUsd.toFixed(6));
  return { budgets, budgetLines, rateLines, fixedRates, rateKeys, tokenRates, rateLimitTexts, budgetLimitTexts, from, until };
}

/** A grant's plan with one request's token estimate in its token lines. */
export function withTokens(grant: GrantPlan, estimatedTokens: number): LimitPlan {
  const { rateLines, fixedRates, rateKeys } = grant;
  const rates: RateCounter[] = new Array(rateLines.length);
  for (let index = 0; index < rateLines.length; index++) {
    rates[index] = fixedRates[index] ?? { key: rateKeys[index]!, capacity: rateLines[index]!.perMinute, cost: estimatedTokens };
  }
  // The budget arrays are shared by every request of the grant's window: nothing writes to them.
  return { budgets: grant.budgets as BudgetCounter[], budgetLines: grant.budgetLines as BudgetLine[], rates, rateLines: grant.rateLines as RateLine[] };
}

/**
 * Grant plans, one per key grant: a grant is replaced (a new object) whenever the key directory reads
 * the key again, so a change of limits reaches the plan when it reaches the grant, as before.
 */
export class GrantPlans {
  private readonly plans = new WeakMap<KeyGrant, GrantPlan>();

  constructor(private readonly db: Kysely<Database>) {}

  of(grant: KeyGrant, now: number): GrantPlan {
    const cached = this.plans.get(grant);
    if (cached && now >= cached.from && now < cached.until) return cached;
    const plan = grantPlan(this.db, grant, now);
    this.plans.set(grant, plan);
    return plan;
  }
}

/** Spend already recorded in a window, in nano-USD: the one read a budget decision needs. */
async function spentSince(db: Kysely<Database>, scope: "key" | "project", id: string, start: number, end: number): Promise<number> {
  const row = await db
    .selectFrom("usage_records")
    .select((eb) => eb.fn.sum<number | null>("cost_usd").as("spent"))
    .where(scope === "key" ? "key_id" : "project_id", "=", id)
    .where("created_at", ">=", start)
    .where("created_at", "<", end)
    .executeTakeFirst();
  return Math.round(Number(row?.spent ?? 0) * NANO);
}
