import type { Insertable } from "kysely";
import type { UsageRecordTable } from "../tables.js";

/** One request's usage, as written to the journal and the `usage_records` table. */
export type UsageRow = Insertable<UsageRecordTable>;

export type UsageStatus = "success" | "error" | "aborted";

export function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}
