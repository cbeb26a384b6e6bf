import type { Insertable } from "kysely";
import type { UsageRecordTable } from "../tables.js";

/** One request's usage, as written to the journal and the `usage_records` table. */
export type UsageRow = Insertable<UsageRecordTable>;

export type UsageStatus = "success" | "error" | "aborted";

const DAY_MS = 86_400_000;
/** The last day named, by its first millisecond: every row of a day reuses the string (no Date per row). */
let dayStart = Number.NaN;
let dayName = "";

export function utcDay(epochMs: number): string {
  if (epochMs >= dayStart && epochMs < dayStart + DAY_MS) return dayName;
  const start = Math.floor(epochMs / DAY_MS) * DAY_MS;
  const name = new Date(start).toISOString().slice(0, 10);
  if (Number.isFinite(start)) {
    dayStart = start;
    dayName = name;
  }
  return name;
}
