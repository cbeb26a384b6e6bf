import { getJson } from "../../api";
import type { Spend } from "./admin-types";

interface UsageGroup {
  key_id?: string;
  project_id?: string;
  cost_usd: number | null;
}

/** The first instants of the budget windows the gateway counts in: UTC day, week from Monday, month. */
export function windowStarts(now = new Date()): Record<keyof Spend, string> {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const week = new Date(day);
  week.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
  const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  return { day: day.toISOString(), week: week.toISOString(), month: month.toISOString() };
}

/**
 * Current spend per key or per project in each budget window, from `GET /admin/usage` (one grouped query per
 * window). A project key's admin sees its own project only; the server enforces that.
 */
export async function loadSpend(by: "key" | "project", projectId?: string): Promise<Map<string, Spend>> {
  const starts = windowStarts();
  const spend = new Map<string, Spend>();
  await Promise.all(
    (Object.keys(starts) as Array<keyof Spend>).map(async (window) => {
      const query = new URLSearchParams({ group_by: by, from: starts[window] });
      if (projectId) query.set("project_id", projectId);
      const answer = await getJson<{ data: UsageGroup[] }>(`/admin/usage?${query}`);
      for (const group of answer.data) {
        const id = by === "key" ? group.key_id : group.project_id;
        if (!id) continue;
        const entry = spend.get(id) ?? { day: 0, week: 0, month: 0 };
        entry[window] = group.cost_usd ?? 0;
        spend.set(id, entry);
      }
    }),
  );
  return spend;
}

export function formatUsd(value: number): string {
  if (value === 0) return "$0";
  return value < 0.01 ? `$${value.toFixed(5)}` : `$${value.toFixed(2)}`;
}
