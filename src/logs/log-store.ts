import type { Kysely, Selectable } from "kysely";
import type { Database, DatabaseDialect } from "../storage/database.js";
import { fullTextMatch } from "./log-search.js";
import type { RequestLogTable } from "./tables.js";
import "../routing/feedback/tables.js";
import "./tables.js";

/** A log query. Every field narrows; `projectKey` undefined means every project (the master key). */
export interface LogFilter {
  projectKey?: string;
  keyId?: string;
  model?: string;
  deployment?: string;
  status?: "success" | "error" | "aborted";
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  /** Only rated requests (true) or only unrated ones (false). */
  rated?: boolean;
  minScore?: number;
  maxScore?: number;
  /** Words that must all occur in the masked request or answer. */
  words?: string[];
  requestId?: string;
}

export type LogRecord = Selectable<RequestLogTable> & { feedback_score: number | null; feedback_comment: string | null };

/** Where a page ends: the next page starts strictly after it (newest first). */
export interface LogCursor {
  createdAt: number;
  id: string;
}

/** Reads and deletes stored request logs; writes go through the journal (log-writer.ts). */
export class LogStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DatabaseDialect,
  ) {}

  private select(filter: LogFilter) {
    let query = this.db
      .selectFrom("request_logs as log")
      .leftJoin("routing_feedback as feedback", (join) => join.onRef("feedback.request_id", "=", "log.request_id").onRef("feedback.project_id", "=", "log.project_id"))
      .selectAll("log")
      .select(["feedback.score as feedback_score", "feedback.comment as feedback_comment"]);
    if (filter.projectKey !== undefined) query = query.where("log.project_id", "=", filter.projectKey);
    if (filter.requestId !== undefined) query = query.where("log.request_id", "=", filter.requestId);
    if (filter.keyId !== undefined) query = query.where("log.key_id", "=", filter.keyId);
    if (filter.model !== undefined) query = query.where((eb) => eb.or([eb("log.model", "=", filter.model!), eb("log.routed_model", "=", filter.model!)]));
    if (filter.deployment !== undefined) query = query.where("log.deployment", "=", filter.deployment);
    if (filter.status !== undefined) query = query.where("log.status", "=", filter.status);
    if (filter.from !== undefined) query = query.where("log.created_at", ">=", filter.from);
    if (filter.to !== undefined) query = query.where("log.created_at", "<", filter.to);
    if (filter.rated === true) query = query.where("feedback.score", "is not", null);
    if (filter.rated === false) query = query.where("feedback.score", "is", null);
    if (filter.minScore !== undefined) query = query.where("feedback.score", ">=", filter.minScore);
    if (filter.maxScore !== undefined) query = query.where("feedback.score", "<=", filter.maxScore);
    if (filter.words !== undefined && filter.words.length > 0) query = query.where(fullTextMatch(this.dialect, filter.words));
    return query;
  }

  /** Newest first, `limit` rows after the cursor. */
  async list(filter: LogFilter, options: { limit: number; after?: LogCursor }): Promise<LogRecord[]> {
    let query = this.select(filter);
    const after = options.after;
    if (after) {
      query = query.where((eb) => eb.or([eb("log.created_at", "<", after.createdAt), eb.and([eb("log.created_at", "=", after.createdAt), eb("log.id", "<", after.id)])]));
    }
    const rows = await query.orderBy("log.created_at", "desc").orderBy("log.id", "desc").limit(options.limit).execute();
    return rows.map(normalize);
  }

  /** Every matching row, oldest first, a page at a time (dataset building). */
  async *scan(filter: LogFilter, pageSize = 500): AsyncGenerator<LogRecord> {
    let after: LogRecord | undefined;
    for (;;) {
      let query = this.select(filter);
      if (after !== undefined) {
        const last = after;
        query = query.where((eb) => eb.or([eb("log.created_at", ">", last.created_at), eb.and([eb("log.created_at", "=", last.created_at), eb("log.id", ">", last.id)])]));
      }
      const page = (await query.orderBy("log.created_at").orderBy("log.id").limit(pageSize).execute()).map(normalize);
      for (const row of page) yield row;
      if (page.length < pageSize) return;
      after = page.at(-1);
    }
  }

  /** Deletes a request's rows (all of them when one id was used more than once); returns how many went. */
  async deleteRequest(requestId: string, projectKey: string | undefined): Promise<number> {
    let query = this.db.deleteFrom("request_logs").where("request_id", "=", requestId);
    if (projectKey !== undefined) query = query.where("project_id", "=", projectKey);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteProject(projectKey: string): Promise<number> {
    const result = await this.db.deleteFrom("request_logs").where("project_id", "=", projectKey).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * Retention: each project with its own retention keeps its rows that many days, every other
   * project the default; returns how many rows went.
   */
  async purge(retention: { byProject: ReadonlyMap<string, number>; fallbackDays: number }, now = Date.now()): Promise<number> {
    const DAY_MS = 86_400_000;
    let deleted = 0;
    for (const [project, days] of retention.byProject) {
      const result = await this.db.deleteFrom("request_logs").where("project_id", "=", project).where("created_at", "<", now - days * DAY_MS).executeTakeFirst();
      deleted += Number(result.numDeletedRows);
    }
    let rest = this.db.deleteFrom("request_logs").where("created_at", "<", now - retention.fallbackDays * DAY_MS);
    const own = [...retention.byProject.keys()];
    if (own.length > 0) rest = rest.where("project_id", "not in", own);
    deleted += Number((await rest.executeTakeFirst()).numDeletedRows);
    return deleted;
  }
}

/** PostgreSQL returns bigint columns as strings. */
function normalize(row: LogRecord): LogRecord {
  return {
    ...row,
    created_at: Number(row.created_at),
    cost_usd: Number(row.cost_usd),
    feedback_score: row.feedback_score === null ? null : Number(row.feedback_score),
  };
}
