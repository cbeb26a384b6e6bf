import type { Insertable, Kysely, Selectable } from "kysely";
import type { Database } from "../../storage/database.js";
import type { RoutingFeedbackTable, RoutingSampleTable } from "./tables.js";
import "./tables.js";

export type RoutingSample = Insertable<RoutingSampleTable>;
export type RoutingFeedback = Insertable<RoutingFeedbackTable>;

/** A sample with its rating: one row of the retraining dataset. */
export interface RatedSample extends Selectable<RoutingSampleTable> {
  rating: number;
}

/** The project a row belongs to, as stored: "" for callers without one (master key, anonymous). */
export function projectKey(projectId: string | undefined): string {
  return projectId ?? "";
}

/** Routing samples and their feedback: written by the gateway, read by `switchyard router export`. */
export class RoutingSampleStore {
  constructor(private readonly db: Kysely<Database>) {}

  async addSample(sample: RoutingSample): Promise<void> {
    // A client that reuses its own request id keeps the first sample.
    await this.db
      .insertInto("routing_samples")
      .values(sample)
      .onConflict((conflict) => conflict.columns(["request_id", "project_id"]).doNothing())
      .execute();
  }

  /** Whether the project has a sample or a usage row for this request id (usage rows store no project as null). */
  async knows(requestId: string, projectId: string | undefined): Promise<boolean> {
    const sample = await this.db
      .selectFrom("routing_samples")
      .select("request_id")
      .where("request_id", "=", requestId)
      .where("project_id", "=", projectKey(projectId))
      .executeTakeFirst();
    if (sample) return true;
    const usage = await this.db
      .selectFrom("usage_records")
      .select("request_id")
      .where("request_id", "=", requestId)
      .where("project_id", projectId === undefined ? "is" : "=", projectId ?? null)
      .executeTakeFirst();
    return usage !== undefined;
  }

  /** Stores a rating; a later rating of the same request replaces it. */
  async rate(feedback: RoutingFeedback): Promise<void> {
    await this.db
      .insertInto("routing_feedback")
      .values(feedback)
      .onConflict((conflict) =>
        conflict.columns(["request_id", "project_id"]).doUpdateSet({
          score: feedback.score,
          comment: feedback.comment ?? null,
          key_id: feedback.key_id,
          created_at: feedback.created_at,
        }),
      )
      .execute();
  }

  /**
   * Deletes one auto model's samples created before `before` (epoch ms), and the ratings of the
   * requests they were; returns how many samples went.
   */
  async purge(autoModel: string, before: number): Promise<number> {
    await this.db
      .deleteFrom("routing_feedback")
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom("routing_samples")
            .select("routing_samples.request_id")
            .whereRef("routing_samples.request_id", "=", "routing_feedback.request_id")
            .whereRef("routing_samples.project_id", "=", "routing_feedback.project_id")
            .where("routing_samples.auto_model", "=", autoModel)
            .where("routing_samples.created_at", "<", before),
        ),
      )
      .execute();
    const result = await this.db.deleteFrom("routing_samples").where("auto_model", "=", autoModel).where("created_at", "<", before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Rated samples of one auto model, oldest first, a page at a time (keyset on created_at, request_id, project_id). */
  async *rated(autoModel: string, options: { since?: number; pageSize?: number } = {}): AsyncGenerator<RatedSample> {
    const pageSize = options.pageSize ?? 1000;
    let after: RatedSample | undefined;
    for (;;) {
      let query = this.db
        .selectFrom("routing_samples as sample")
        .innerJoin("routing_feedback as feedback", (join) =>
          join.onRef("feedback.request_id", "=", "sample.request_id").onRef("feedback.project_id", "=", "sample.project_id"),
        )
        .selectAll("sample")
        .select("feedback.score as rating")
        .where("sample.auto_model", "=", autoModel);
      if (options.since !== undefined) query = query.where("sample.created_at", ">=", options.since);
      if (after !== undefined) {
        const last = after;
        query = query.where((eb) =>
          eb.or([
            eb("sample.created_at", ">", last.created_at),
            eb.and([eb("sample.created_at", "=", last.created_at), eb("sample.request_id", ">", last.request_id)]),
            eb.and([eb("sample.created_at", "=", last.created_at), eb("sample.request_id", "=", last.request_id), eb("sample.project_id", ">", last.project_id)]),
          ]),
        );
      }
      const page = await query.orderBy("sample.created_at").orderBy("sample.request_id").orderBy("sample.project_id").limit(pageSize).execute();
      for (const row of page) yield row;
      if (page.length < pageSize) return;
      after = page.at(-1);
    }
  }
}
