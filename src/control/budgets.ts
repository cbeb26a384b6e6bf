/** Limits common to projects and keys; undefined means unlimited. */
export interface Limits {
  budgetDailyUsd?: number;
  budgetWeeklyUsd?: number;
  budgetMonthlyUsd?: number;
  rpm?: number;
  tpm?: number;
}

export type BudgetPeriod = "day" | "week" | "month";

export const budgetPeriods: readonly BudgetPeriod[] = ["day", "week", "month"];

export function budgetFor(limits: Limits, period: BudgetPeriod): number | undefined {
  if (period === "day") return limits.budgetDailyUsd;
  if (period === "week") return limits.budgetWeeklyUsd;
  return limits.budgetMonthlyUsd;
}

/** The UTC window a moment falls in: days from midnight, weeks from Monday, months from the 1st. */
export function periodWindow(period: BudgetPeriod, now: number): { start: number; end: number } {
  const date = new Date(now);
  const day = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  if (period === "day") return { start: day, end: day + 86_400_000 };
  if (period === "week") {
    const start = day - ((date.getUTCDay() + 6) % 7) * 86_400_000;
    return { start, end: start + 7 * 86_400_000 };
  }
  return {
    start: Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1),
    end: Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1),
  };
}

export function limitsFromRow(row: {
  budget_daily_usd: number | null;
  budget_weekly_usd: number | null;
  budget_monthly_usd: number | null;
  rpm: number | null;
  tpm: number | null;
}): Limits {
  return {
    budgetDailyUsd: row.budget_daily_usd ?? undefined,
    budgetWeeklyUsd: row.budget_weekly_usd ?? undefined,
    budgetMonthlyUsd: row.budget_monthly_usd ?? undefined,
    rpm: row.rpm ?? undefined,
    tpm: row.tpm ?? undefined,
  };
}
