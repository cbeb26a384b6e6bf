/**
 * Live ratings (`POST /v1/feedback`) of a promoted candidate's answers: ratings joined with usage
 * rows (every metered request has one) of requests made to the promotion's target that the
 * candidate's routes answered, since the promotion. Grouped in SQL, the same on SQLite and PostgreSQL.
 */
import type { Kysely } from "kysely";
import { sql } from "../storage/kysely.js";
import type { Database } from "../storage/database.js";
import "../control/tables.js";
import "../routing/feedback/tables.js";

export interface LiveFeedback {
  count: number;
  mean: number;
}

export async function liveFeedback(
  db: Kysely<Database>,
  filter: { since: number; targets: string[]; routes: Array<{ provider: string; model: string }> },
): Promise<LiveFeedback> {
  if (filter.targets.length === 0 || filter.routes.length === 0) return { count: 0, mean: 0 };
  const row = await db
    .selectFrom("routing_feedback as feedback")
    .innerJoin("usage_records as usage", (join) =>
      join.onRef("usage.request_id", "=", "feedback.request_id").on(sql<boolean>`coalesce(usage.project_id, '') = feedback.project_id`),
    )
    .select((eb) => [eb.fn.countAll<string | number>().as("count"), eb.fn.avg<string | number | null>("feedback.score").as("mean")])
    .where("usage.status", "=", "success")
    .where("usage.created_at", ">=", filter.since)
    .where("usage.model", "in", filter.targets)
    .where((eb) => eb.or(filter.routes.map((route) => eb.and([eb("usage.provider", "=", route.provider), eb("usage.upstream_model", "=", route.model)]))))
    .executeTakeFirst();
  const count = Number(row?.count ?? 0);
  return { count, mean: count === 0 ? 0 : Number(row?.mean ?? 0) };
}
