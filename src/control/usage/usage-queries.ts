import type { Kysely } from "kysely";
import { sql } from "../../storage/kysely.js";
import type { Database } from "../../storage/database.js";

export const usageDimensions = { key: "key_id", project: "project_id", model: "model", day: "day", hour: "hour", provider: "provider" } as const;
export type UsageDimension = keyof typeof usageDimensions;

export interface UsageFilter {
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  projectId?: string;
  keyId?: string;
  model?: string;
}

export interface UsageTotals {
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  costUsd: number;
}

export type UsageGroup = Partial<Record<UsageDimension, string | null>> & UsageTotals;

/** The UTC hour a row falls in, as epoch ms: integer division on both engines (created_at is a bigint). */
const hourOf = sql<number>`(created_at / 3600000) * 3600000`;

/** Spend and tokens grouped by any of key / project / model / day / hour / provider (the console's charts). */
export async function queryUsage(db: Kysely<Database>, filter: UsageFilter, groupBy: UsageDimension[]): Promise<UsageGroup[]> {
  const columns = groupBy.map((dimension) => usageDimensions[dimension]);
  let query = db
    .selectFrom("usage_records")
    .select((eb) => [
      eb.fn.countAll<number>().as("requests"),
      eb.fn.sum<number>(eb.case().when("status", "!=", "success").then(1).else(0).end()).as("errors"),
      eb.fn.sum<number>("input_tokens").as("input_tokens"),
      eb.fn.sum<number>("output_tokens").as("output_tokens"),
      eb.fn.sum<number>("cached_input_tokens").as("cached_input_tokens"),
      eb.fn.sum<number>("cost_usd").as("cost_usd"),
    ]);
  query = applyFilter(query, filter);
  for (const column of columns) {
    query = column === "hour" ? query.select(hourOf.as("hour")).groupBy(hourOf).orderBy(hourOf) : query.select(column).groupBy(column).orderBy(column);
  }
  const rows = (await query.execute()) as Array<Record<string, unknown>>;
  return rows.map((row) => {
    const group: UsageGroup = {
      requests: Number(row.requests),
      errors: Number(row.errors ?? 0),
      inputTokens: Number(row.input_tokens ?? 0),
      outputTokens: Number(row.output_tokens ?? 0),
      cachedInputTokens: Number(row.cached_input_tokens ?? 0),
      costUsd: Number(row.cost_usd ?? 0),
    };
    for (const dimension of groupBy) {
      const value = row[usageDimensions[dimension]];
      // An hour comes back as epoch ms (a string from PostgreSQL's bigint): answer it as an ISO instant.
      group[dimension] = dimension === "hour" ? new Date(Number(value)).toISOString() : ((value as string | null) ?? null);
    }
    return group;
  });
}

/** The newest usage rows matching a filter. */
export async function listUsageRecords(db: Kysely<Database>, filter: UsageFilter, limit: number) {
  return applyFilter(db.selectFrom("usage_records").selectAll(), filter).orderBy("created_at", "desc").limit(limit).execute();
}

interface Filterable<Self> {
  where(column: "created_at", operator: ">=" | "<", value: number): Self;
  where(column: "project_id" | "key_id" | "model", operator: "=", value: string): Self;
}

function applyFilter<Query extends Filterable<Query>>(query: Query, filter: UsageFilter): Query {
  let next = query;
  if (filter.from !== undefined) next = next.where("created_at", ">=", filter.from);
  if (filter.to !== undefined) next = next.where("created_at", "<", filter.to);
  if (filter.projectId !== undefined) next = next.where("project_id", "=", filter.projectId);
  if (filter.keyId !== undefined) next = next.where("key_id", "=", filter.keyId);
  if (filter.model !== undefined) next = next.where("model", "=", filter.model);
  return next;
}
