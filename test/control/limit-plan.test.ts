import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyGrant } from "../../src/control/auth/key-directory.js";
import { GrantPlans, planLimits, withTokens } from "../../src/control/limits/limit-plan.js";
import { openDatabase } from "../../src/storage/open-database.js";
import type { Storage } from "../../src/storage/database.js";

const grantOf = (dailyUsd: number): KeyGrant => ({
  key: { id: "key_1", projectId: "prj_1", name: "k", prefix: "sk-", role: "member", limits: { rpm: 60, tpm: 1_000, budgetDailyUsd: dailyUsd }, metadata: {}, tags: [], createdAt: 0 },
  project: { id: "prj_1", name: "p", limits: { budgetMonthlyUsd: 50, tpm: 5_000 }, metadata: {}, createdAt: 0 },
});

const DAY = 86_400_000;
const noon = Date.UTC(2026, 11, 3, 12);

describe("limit plans per key grant", () => {
  let storage: Storage;
  beforeAll(async () => {
    storage = await openDatabase({ url: ":memory:" });
  });
  afterAll(async () => {
    await storage.close();
  });

  it("plans exactly as a plan built from scratch, with the request's tokens in the token lines", () => {
    const plans = new GrantPlans(storage.db);
    const grant = grantOf(10);
    for (const tokens of [1, 250, 90_000]) {
      const cached = withTokens(plans.of(grant, noon), tokens);
      const fresh = planLimits(storage.db, grant, tokens, noon);
      expect(cached.rates).toEqual(fresh.rates);
      expect(cached.budgetLines).toEqual(fresh.budgetLines);
      expect(cached.rateLines).toEqual(fresh.rateLines);
      expect(cached.budgets.map(({ key, limitNano, windowEnd }) => ({ key, limitNano, windowEnd }))).toEqual(
        fresh.budgets.map(({ key, limitNano, windowEnd }) => ({ key, limitNano, windowEnd })),
      );
    }
    expect(withTokens(plans.of(grant, noon), 7).rates.map((rate) => rate.cost)).toEqual([1, 7, 7]);
  });

  it("keeps a grant's plan for its windows and builds another when a window ends or the grant changes", () => {
    const plans = new GrantPlans(storage.db);
    const grant = grantOf(10);
    const first = plans.of(grant, noon);
    expect(plans.of(grant, noon + 3_600_000)).toBe(first);
    // The daily window ends at midnight: the next day's counter keys are new.
    const nextDay = plans.of(grant, noon + DAY);
    expect(nextDay).not.toBe(first);
    expect(nextDay.budgets[0]!.key).toBe(`b:key:key_1:day:${Date.UTC(2026, 11, 4)}`);
    expect(first.budgets[0]!.key).toBe(`b:key:key_1:day:${Date.UTC(2026, 11, 3)}`);
    // A clock set back is outside the plan's windows too.
    expect(plans.of(grant, noon - DAY).budgets[0]!.key).toBe(`b:key:key_1:day:${Date.UTC(2026, 11, 2)}`);
    // The directory reads a changed key as a new grant: its plan carries the new limit.
    const changed = plans.of(grantOf(20), noon + DAY);
    expect(changed.budgetLines[0]!.limitUsd).toBe(20);
    expect(changed.budgetLimitTexts[0]).toBe("20.000000");
  });

  it("seeds a budget from the usage already stored in its window", async () => {
    const plans = new GrantPlans(storage.db);
    expect(await plans.of(grantOf(10), noon).budgets[0]!.seed()).toBe(0);
  });
});
