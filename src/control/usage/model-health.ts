import type { Kysely } from "kysely";
import type { Database } from "../../storage/database.js";

/** How one public model answered lately, from the usage ledger (every node's requests, durable). */
export interface ModelHealth {
  model: string;
  requests: number;
  errors: number;
  /** Mean total latency, ms, of every request (failures included: a slow failure is what a caller waited). */
  latencyMsAvg: number | null;
  /** Mean time to first token, ms, of the requests that produced one. */
  ttftMsAvg: number | null;
  /** Epoch ms of the newest request. */
  lastRequestAt: number | null;
}

/** Per model over `[since, now)`; a project filter keeps a project key to its own requests. */
export async function queryModelHealth(db: Kysely<Database>, filter: { since: number; projectId?: string; model?: string }): Promise<ModelHealth[]> {
  let query = db
    .selectFrom("usage_records")
    .select((eb) => [
      "model",
      eb.fn.countAll<number>().as("requests"),
      eb.fn.sum<number>(eb.case().when("status", "!=", "success").then(1).else(0).end()).as("errors"),
      eb.fn.avg<number>("latency_ms").as("latency_ms"),
      eb.fn.avg<number>("ttft_ms").as("ttft_ms"),
      eb.fn.max<number>("created_at").as("last_at"),
    ])
    .where("created_at", ">=", filter.since)
    .groupBy("model")
    .orderBy("model");
  if (filter.projectId !== undefined) query = query.where("project_id", "=", filter.projectId);
  if (filter.model !== undefined) query = query.where("model", "=", filter.model);
  const rows = await query.execute();
  const numberOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  return rows.map((row) => ({
    model: row.model,
    requests: Number(row.requests),
    errors: Number(row.errors ?? 0),
    latencyMsAvg: numberOrNull(row.latency_ms),
    ttftMsAvg: numberOrNull(row.ttft_ms),
    lastRequestAt: numberOrNull(row.last_at),
  }));
}
