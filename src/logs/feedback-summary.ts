import type { Kysely } from "kysely";
import { sql } from "../storage/kysely.js";
import { z } from "zod";
import { parseBody } from "../http/parse-body.js";
import type { RouteRegistrar } from "../http/route-registrar.js";
import type { Database } from "../storage/database.js";
import { instantSchema, scopedProjectKey } from "./log-routes.js";
import "../control/tables.js";
import "../routing/feedback/tables.js";

export const summaryQuerySchema = z
  .object({
    project_id: z.string().min(1).max(128).optional(),
    group_by: z.enum(["model", "variant"]).default("model"),
    from: instantSchema.optional(),
    to: instantSchema.optional(),
    model: z.string().min(1).max(256).optional(),
  })
  .strict();

export interface RatingGroup {
  model: string;
  /**
   * For `group_by=variant`: the deployment version and A/B variant that answered (`support@v3:b`) for
   * deployment calls, else the provider route that answered (`openai/gpt-4o`: an auto model's tier).
   */
  variant?: string;
  count: number;
  mean: number;
  /** 95% interval of the mean (normal approximation, clamped to 0..1); null below two ratings. */
  ci95: [number, number] | null;
}

/** Mean and a 95% interval from a count, a sum and a sum of squares (sample variance). */
export function meanInterval(count: number, sum: number, sumSquares: number): { mean: number; ci95: [number, number] | null } {
  const mean = count === 0 ? 0 : sum / count;
  if (count < 2) return { mean, ci95: null };
  const variance = Math.max(0, (sumSquares - count * mean * mean) / (count - 1));
  const half = 1.96 * Math.sqrt(variance / count);
  return { mean, ci95: [Math.max(0, mean - half), Math.min(1, mean + half)] };
}

/**
 * Ratings (`POST /v1/feedback`) per model called, or per variant (the deployment variant, or the
 * provider route, that answered), from the usage rows every metered request has, so requests that were never stored in
 * the log count too. Grouped in SQL, identical on SQLite and PostgreSQL.
 */
export async function summarizeRatings(
  db: Kysely<Database>,
  filter: { projectKey?: string; groupBy: "model" | "variant"; from?: number; to?: number; model?: string },
): Promise<RatingGroup[]> {
  const variant = sql<string>`coalesce(usage.deployment_variant, coalesce(usage.provider, '') || '/' || coalesce(usage.upstream_model, ''))`;
  let query = db
    .selectFrom("routing_feedback as feedback")
    .innerJoin("usage_records as usage", (join) =>
      join.onRef("usage.request_id", "=", "feedback.request_id").on(sql<boolean>`coalesce(usage.project_id, '') = feedback.project_id`),
    )
    .select((eb) => [
      "usage.model as model",
      eb.fn.countAll<string | number>().as("count"),
      eb.fn.sum<string | number>("feedback.score").as("sum"),
      sql<string | number>`sum(feedback.score * feedback.score)`.as("sum_squares"),
    ])
    .where("usage.status", "=", "success");
  if (filter.projectKey !== undefined) query = query.where("feedback.project_id", "=", filter.projectKey);
  if (filter.model !== undefined) query = query.where("usage.model", "=", filter.model);
  if (filter.from !== undefined) query = query.where("feedback.created_at", ">=", filter.from);
  if (filter.to !== undefined) query = query.where("feedback.created_at", "<", filter.to);
  const rows =
    filter.groupBy === "variant"
      ? await query.select(variant.as("variant")).groupBy(["usage.model", variant]).orderBy("usage.model").orderBy(variant).execute()
      : await query.groupBy("usage.model").orderBy("usage.model").execute();
  return rows.map((row) => {
    const count = Number(row.count);
    const stats = meanInterval(count, Number(row.sum), Number(row.sum_squares));
    const group: RatingGroup = { model: row.model, count, ...stats };
    if ("variant" in row && typeof row.variant === "string") group.variant = row.variant;
    return group;
  });
}

/** `GET /admin/feedback/summary` (admin guard; a project key sees its own project's ratings). */
export function feedbackSummaryRoutes(db: Kysely<Database>, flushUsage: () => Promise<void>): RouteRegistrar {
  return (app) => {
    app.get("/admin/feedback/summary", async (request) => {
      const query = parseBody(summaryQuerySchema, { ...(request.query as Record<string, unknown>) });
      // Usage rows reach the database in batches: the latest rated requests may still be in the journal.
      await flushUsage();
      const groups = await summarizeRatings(db, {
        projectKey: scopedProjectKey(request, query.project_id),
        groupBy: query.group_by,
        from: query.from,
        to: query.to,
        model: query.model,
      });
      return { object: "list", group_by: query.group_by, data: groups };
    });
  };
}
