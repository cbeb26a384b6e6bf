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
  const plan: LimitPlan = { budgets: [], budgetLines: [], rates: [], rateLines: [] };
  const scopes: Array<{ scope: "key" | "project"; id: string; name: string; limits: Limits }> = [
    { scope: "key", id: grant.key.id, name: grant.key.name || grant.key.id, limits: grant.key.limits },
    { scope: "project", id: grant.project.id, name: grant.project.name, limits: grant.project.limits },
  ];
  for (const { scope, id, name, limits } of scopes) {
    for (const period of budgetPeriods) {
      const limitUsd = budgetFor(limits, period);
      if (limitUsd === undefined) continue;
      const window = periodWindow(period, now);
      plan.budgets.push({
        key: `b:${scope}:${id}:${period}:${window.start}`,
        limitNano: limitUsd * NANO,
        windowEnd: window.end,
        seed: () => spentSince(db, scope, id, window.start, window.end),
      });
      plan.budgetLines.push({ scope, name, period, limitUsd, windowEnd: window.end });
    }
    if (limits.rpm !== undefined) {
      plan.rates.push({ key: `r:${scope}:${id}:rpm`, capacity: limits.rpm, cost: 1 });
      plan.rateLines.push({ scope, name, unit: "requests", perMinute: limits.rpm });
    }
    if (limits.tpm !== undefined) {
      plan.rates.push({ key: `r:${scope}:${id}:tpm`, capacity: limits.tpm, cost: estimatedTokens });
      plan.rateLines.push({ scope, name, unit: "tokens", perMinute: limits.tpm });
    }
  }
  return plan;
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
