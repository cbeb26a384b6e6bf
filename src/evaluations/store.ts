import type { Kysely } from "kysely";
import type { Database } from "../storage/database.js";
import type { EvaluationResultTable, EvaluationTable } from "./tables.js";
import type { EvaluationRecord, EvaluationResultRow, EvaluationSpec, EvaluationStatus, EvaluationSummary } from "./types.js";
import "./tables.js";

const FINAL: readonly EvaluationStatus[] = ["completed", "failed", "cancelled"];

export function isFinal(status: EvaluationStatus): boolean {
  return FINAL.includes(status);
}

function seconds(ms: number | null): number | null {
  return ms === null ? null : Math.floor(Number(ms) / 1000);
}

function recordOf(row: EvaluationTable): EvaluationRecord {
  return {
    object: "evaluation",
    id: row.id,
    project_id: row.project_id,
    name: row.name,
    status: row.status as EvaluationStatus,
    created_at: seconds(row.created_at)!,
    started_at: seconds(row.started_at),
    finished_at: seconds(row.finished_at),
    progress: { done: Number(row.progress_done), total: Number(row.progress_total) },
    spec: JSON.parse(row.spec) as EvaluationSpec,
    summary: row.summary === null ? null : (JSON.parse(row.summary) as EvaluationSummary),
    error: row.error_code === null ? null : { code: row.error_code, message: row.error_message ?? "" },
  };
}

function resultOf(row: EvaluationResultTable): EvaluationResultRow {
  return {
    row: Number(row.row_index),
    model: row.model,
    request_id: row.request_id,
    output: row.output,
    error: row.error_code === null ? null : { code: row.error_code, message: row.error_message ?? "" },
    latency_ms: Number(row.latency_ms),
    cost_usd: Number(row.cost_usd),
    input_tokens: Number(row.input_tokens),
    output_tokens: Number(row.output_tokens),
    scores: JSON.parse(row.scores) as EvaluationResultRow["scores"],
    quality: row.quality === null ? null : Number(row.quality),
    win: row.win === null ? null : Number(row.win),
    judgements: JSON.parse(row.judgements) as EvaluationResultRow["judgements"],
  };
}

/**
 * Evaluations and their results, always read through a project: another project's id reads
 * exactly like an unknown one. `projectId` undefined (the master key) reads every project's.
 */
export class EvaluationStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(input: { id: string; projectId: string; spec: EvaluationSpec; createdBy: string; nodeId: string; total: number; now?: number }): Promise<EvaluationRecord> {
    const row: EvaluationTable = {
      id: input.id,
      project_id: input.projectId,
      name: input.spec.name ?? null,
      status: "queued",
      spec: JSON.stringify(input.spec),
      created_by: input.createdBy,
      node_id: input.nodeId,
      created_at: input.now ?? Date.now(),
      started_at: null,
      finished_at: null,
      updated_at: input.now ?? Date.now(),
      progress_done: 0,
      progress_total: input.total,
      summary: null,
      error_code: null,
      error_message: null,
    };
    await this.db.insertInto("evaluations").values(row).execute();
    return recordOf(row);
  }

  async get(id: string, projectId?: string): Promise<EvaluationRecord | undefined> {
    let query = this.db.selectFrom("evaluations").selectAll().where("id", "=", id);
    if (projectId !== undefined) query = query.where("project_id", "=", projectId);
    const row = await query.executeTakeFirst();
    return row && recordOf(row);
  }

  /** Newest first; `before` is the id of the last one of the previous page. */
  async list(projectId: string | undefined, options: { limit: number; after?: string }): Promise<EvaluationRecord[]> {
    let query = this.db.selectFrom("evaluations").selectAll().orderBy("created_at", "desc").orderBy("id", "desc").limit(options.limit);
    if (projectId !== undefined) query = query.where("project_id", "=", projectId);
    if (options.after !== undefined) {
      const cursor = await this.db.selectFrom("evaluations").select(["created_at", "id"]).where("id", "=", options.after).executeTakeFirst();
      if (cursor) {
        const at = Number(cursor.created_at);
        query = query.where((eb) => eb.or([eb("created_at", "<", at), eb.and([eb("created_at", "=", at), eb("id", "<", cursor.id)])]));
      }
    }
    return (await query.execute()).map(recordOf);
  }

  async status(id: string): Promise<EvaluationStatus | undefined> {
    const row = await this.db.selectFrom("evaluations").select("status").where("id", "=", id).executeTakeFirst();
    return row?.status as EvaluationStatus | undefined;
  }

  async markRunning(id: string, now = Date.now()): Promise<void> {
    await this.db.updateTable("evaluations").set({ status: "running", started_at: now, updated_at: now }).where("id", "=", id).where("status", "=", "queued").execute();
  }

  /** Progress, and the heartbeat that tells other nodes this one still runs it. */
  async progress(id: string, done: number, now = Date.now()): Promise<void> {
    await this.db.updateTable("evaluations").set({ progress_done: done, updated_at: now }).where("id", "=", id).where("status", "=", "running").execute();
  }

  /** Asks a running evaluation to stop; false when it had already finished. */
  async requestCancel(id: string, now = Date.now()): Promise<boolean> {
    const result = await this.db
      .updateTable("evaluations")
      .set({ status: "cancelled", finished_at: now })
      .where("id", "=", id)
      .where("status", "in", ["queued", "running"])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Records how it ended; a cancellation already recorded keeps its status and gains the summary of the rows done. */
  async finish(id: string, outcome: { status: EvaluationStatus; summary: EvaluationSummary | null; done: number; error?: { code: string; message: string } }, now = Date.now()): Promise<void> {
    const current = await this.status(id);
    if (current === undefined) return;
    const status = current === "cancelled" ? "cancelled" : outcome.status;
    await this.db
      .updateTable("evaluations")
      .set({
        status,
        summary: outcome.summary === null ? null : JSON.stringify(outcome.summary),
        progress_done: outcome.done,
        finished_at: now,
        updated_at: now,
        error_code: outcome.error?.code ?? null,
        error_message: outcome.error?.message ?? null,
      })
      .where("id", "=", id)
      .execute();
  }

  /**
   * Fails what a node that stopped left running: every unfinished evaluation whose heartbeat is
   * older than `staleBefore` (on one node with SQLite, every unfinished one at start-up).
   */
  async failInterrupted(staleBefore: number, now = Date.now()): Promise<number> {
    const result = await this.db
      .updateTable("evaluations")
      .set({ status: "failed", finished_at: now, error_code: "SWY_ERR_INTERNAL", error_message: "The server running this evaluation stopped before it finished; start it again." })
      .where("status", "in", ["queued", "running"])
      .where("updated_at", "<", staleBefore)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async delete(id: string, projectId?: string): Promise<boolean> {
    let query = this.db.deleteFrom("evaluations").where("id", "=", id);
    if (projectId !== undefined) query = query.where("project_id", "=", projectId);
    const result = await query.executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) return false;
    await this.db.deleteFrom("evaluation_results").where("evaluation_id", "=", id).execute();
    return true;
  }

  async saveResults(evaluationId: string, projectId: string, rows: readonly EvaluationResultRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insertInto("evaluation_results")
      .values(
        rows.map((row) => ({
          evaluation_id: evaluationId,
          project_id: projectId,
          row_index: row.row,
          model: row.model,
          request_id: row.request_id,
          output: row.output,
          error_code: row.error?.code ?? null,
          error_message: row.error?.message ?? null,
          latency_ms: row.latency_ms,
          cost_usd: row.cost_usd,
          input_tokens: row.input_tokens,
          output_tokens: row.output_tokens,
          scores: JSON.stringify(row.scores),
          quality: row.quality,
          win: row.win,
          judgements: JSON.stringify(row.judgements),
        })),
      )
      .execute();
  }

  /** Results in row order, then model order as stored; `model` narrows to one. */
  async results(evaluationId: string, options: { limit: number; offset: number; model?: string }): Promise<EvaluationResultRow[]> {
    let query = this.db
      .selectFrom("evaluation_results")
      .selectAll()
      .where("evaluation_id", "=", evaluationId)
      .orderBy("row_index")
      .orderBy("model")
      .limit(options.limit)
      .offset(options.offset);
    if (options.model !== undefined) query = query.where("model", "=", options.model);
    return (await query.execute()).map(resultOf);
  }
}
