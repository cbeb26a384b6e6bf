/**
 * Batches and their lines in the database. Every line's state is written before and after it runs,
 * so a restarted gateway knows which lines are done, which never started, and which were in flight.
 */
import type { Selectable } from "kysely";
import { SwitchyardError } from "../core/errors.js";
import type { Storage } from "../storage/database.js";
import type { InputLine } from "./input-file.js";
import type { BatchLineTable, BatchTable } from "./tables.js";
import "./tables.js";
import type { BatchRecord, BatchStatus, LineStatus, RequestCounts, ResultLine } from "./types.js";

/** Rows per insert: well under SQLite's bound-parameter limit. */
const INSERT_CHUNK = 500;

export const activeStatuses: readonly BatchStatus[] = ["validating", "in_progress", "finalizing", "cancelling"];

function toRecord(row: Selectable<BatchTable>): BatchRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    keyId: row.key_id,
    endpoint: row.endpoint as BatchRecord["endpoint"],
    inputFileId: row.input_file_id,
    completionWindow: row.completion_window,
    status: row.status as BatchStatus,
    metadata: row.metadata === null ? null : (JSON.parse(row.metadata) as Record<string, string>),
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    times: JSON.parse(row.times) as BatchRecord["times"],
    outputFileId: row.output_file_id,
    errorFileId: row.error_file_id,
    errors: row.errors === null ? null : (JSON.parse(row.errors) as BatchRecord["errors"]),
    upstream: row.upstream === null ? null : (JSON.parse(row.upstream) as BatchRecord["upstream"]),
  };
}

export interface Lease {
  owner: string;
  until: number;
}

export interface PendingLine {
  line: number;
  customId: string;
  body: Record<string, unknown>;
}

export class BatchStore {
  constructor(private readonly storage: Storage) {}

  /** The batch and every line, in one transaction: a batch is never seen half-written. */
  async create(record: BatchRecord, lines: readonly InputLine[], failedResult: (line: InputLine) => ResultLine, lease: Lease): Promise<void> {
    const now = Date.now();
    await this.storage.db.transaction().execute(async (trx) => {
      // Inserted already leased to this node, so no other node's scan takes it before it starts.
      await trx.insertInto("batches").values({ ...toRow(record), lease_owner: lease.owner, lease_until: lease.until }).execute();
      for (let start = 0; start < lines.length; start += INSERT_CHUNK) {
        const rows: BatchLineTable[] = lines.slice(start, start + INSERT_CHUNK).map((line) => ({
          batch_id: record.id,
          line: line.line,
          custom_id: line.customId,
          status: line.problem ? "failed" : "pending",
          request: line.body ? JSON.stringify(line.body) : null,
          result: line.problem ? JSON.stringify(failedResult(line)) : null,
          updated_at: now,
        }));
        await trx.insertInto("batch_lines").values(rows).execute();
      }
    });
  }

  /** A batch of the caller's project; another project's id reads as missing. */
  async get(projectId: string, id: string): Promise<BatchRecord> {
    const row = await this.storage.db.selectFrom("batches").selectAll().where("id", "=", id).where("project_id", "=", projectId).executeTakeFirst();
    if (!row) throw new SwitchyardError("SWY_ERR_NOT_FOUND", `No batch found with id '${id}'.`, { param: "batch_id" });
    return toRecord(row);
  }

  async find(id: string): Promise<BatchRecord | undefined> {
    const row = await this.storage.db.selectFrom("batches").selectAll().where("id", "=", id).executeTakeFirst();
    return row && toRecord(row);
  }

  /** Newest first; `after` is the id of the last batch of the previous page. */
  async list(projectId: string, options: { after?: string; limit: number }): Promise<{ data: BatchRecord[]; hasMore: boolean }> {
    let query = this.storage.db.selectFrom("batches").selectAll().where("project_id", "=", projectId);
    if (options.after !== undefined) {
      const cursor = await this.get(projectId, options.after);
      query = query.where((eb) =>
        eb.or([eb("created_at", "<", cursor.createdAt), eb.and([eb("created_at", "=", cursor.createdAt), eb("id", "<", cursor.id)])]),
      );
    }
    const rows = await query.orderBy("created_at", "desc").orderBy("id", "desc").limit(options.limit + 1).execute();
    return { data: rows.slice(0, options.limit).map(toRecord), hasMore: rows.length > options.limit };
  }

  /**
   * Writes a batch. A cancel may come through another node while this one runs the batch, so a
   * stored `cancelling` is never written back to `in_progress`.
   */
  async save(record: BatchRecord): Promise<void> {
    const { id: _id, status, times: _times, ...values } = toRow(record);
    await this.storage.db.transaction().execute(async (trx) => {
      await trx.updateTable("batches").set(values).where("id", "=", record.id).execute();
      const stored = await trx.selectFrom("batches").select(["status", "times"]).where("id", "=", record.id).executeTakeFirst();
      if (stored?.status === "cancelling" && status === "in_progress") {
        record.status = "cancelling";
        record.times = { ...record.times, ...(JSON.parse(stored.times) as BatchRecord["times"]) };
        return;
      }
      await trx.updateTable("batches").set({ status, times: JSON.stringify(record.times) }).where("id", "=", record.id).execute();
    });
  }

  /** Takes unfinished batches nobody holds (free, or their holder's lease expired); one conditional UPDATE each. */
  async claimFree(lease: Lease, now: number): Promise<string[]> {
    const free = await this.storage.db
      .selectFrom("batches")
      .select("id")
      .where("status", "in", activeStatuses)
      .where((eb) => eb.or([eb("lease_owner", "is", null), eb("lease_until", "is", null), eb("lease_until", "<", now)]))
      .orderBy("created_at", "asc")
      .execute();
    const won: string[] = [];
    for (const { id } of free) {
      const result = await this.storage.db
        .updateTable("batches")
        .set({ lease_owner: lease.owner, lease_until: lease.until })
        .where("id", "=", id)
        .where("status", "in", activeStatuses)
        .where((eb) => eb.or([eb("lease_owner", "is", null), eb("lease_until", "is", null), eb("lease_until", "<", now)]))
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) won.push(id);
    }
    return won;
  }

  /** Extends this node's leases; returns the ids it still holds, with their stored status. */
  async renew(lease: Lease): Promise<Map<string, BatchStatus>> {
    await this.storage.db.updateTable("batches").set({ lease_until: lease.until }).where("lease_owner", "=", lease.owner).where("status", "in", activeStatuses).execute();
    const rows = await this.storage.db.selectFrom("batches").select(["id", "status"]).where("lease_owner", "=", lease.owner).where("status", "in", activeStatuses).execute();
    return new Map(rows.map((row) => [row.id, row.status as BatchStatus]));
  }

  /** Gives batches back at once (clean shutdown), so the next node need not wait for the lease to expire. */
  async releaseLeases(ids: readonly string[], owner: string): Promise<void> {
    if (ids.length === 0) return;
    await this.storage.db.updateTable("batches").set({ lease_until: 0 }).where("id", "in", ids).where("lease_owner", "=", owner).execute();
  }

  async counts(batchId: string): Promise<RequestCounts> {
    const rows = await this.storage.db
      .selectFrom("batch_lines")
      .select((eb) => ["status", eb.fn.countAll<number>().as("count")])
      .where("batch_id", "=", batchId)
      .groupBy("status")
      .execute();
    const by = new Map(rows.map((row) => [row.status, Number(row.count)]));
    const total = rows.reduce((sum, row) => sum + Number(row.count), 0);
    return { total, completed: by.get("succeeded") ?? 0, failed: by.get("failed") ?? 0 };
  }

  async pending(batchId: string, limit: number): Promise<PendingLine[]> {
    return this.lines(batchId, "pending", limit);
  }

  /** Lines in one status, in input order. */
  async lines(batchId: string, status: LineStatus, limit = 1_000_000): Promise<PendingLine[]> {
    const rows = await this.storage.db
      .selectFrom("batch_lines")
      .select(["line", "custom_id", "request"])
      .where("batch_id", "=", batchId)
      .where("status", "=", status)
      .orderBy("line", "asc")
      .limit(limit)
      .execute();
    return rows.map((row) => ({ line: Number(row.line), customId: row.custom_id ?? "", body: JSON.parse(row.request ?? "{}") as Record<string, unknown> }));
  }

  /**
   * Marks a pending line running, and says whether this call did: a line is claimed once, so it is
   * sent at most once even if two workers (or nodes) reach it.
   */
  async claim(batchId: string, line: number): Promise<boolean> {
    const result = await this.storage.db
      .updateTable("batch_lines")
      .set({ status: "running", updated_at: Date.now() })
      .where("batch_id", "=", batchId)
      .where("line", "=", line)
      .where("status", "=", "pending")
      // Only while the batch runs: once a cancel is stored (through any node), no line starts.
      .where((eb) => eb.exists(eb.selectFrom("batches").select("id").where("id", "=", batchId).where("status", "=", "in_progress")))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Puts a claimed line back: it was never sent (it waited for a rate limit, or the batch stopped first). */
  async release(batchId: string, line: number): Promise<void> {
    await this.setLine(batchId, line, "pending", null, "running");
  }

  async finish(batchId: string, line: number, status: Extract<LineStatus, "succeeded" | "failed">, result: ResultLine): Promise<void> {
    await this.setLine(batchId, line, status, JSON.stringify(result));
  }

  /** Every line in `from` becomes failed with a result built from its custom_id (expiry, cancel, interruption). */
  async failAll(batchId: string, from: LineStatus, result: (customId: string | null) => ResultLine): Promise<number> {
    const rows = await this.storage.db.selectFrom("batch_lines").select(["line", "custom_id"]).where("batch_id", "=", batchId).where("status", "=", from).execute();
    for (const row of rows) await this.setLine(batchId, Number(row.line), "failed", JSON.stringify(result(row.custom_id)), from);
    return rows.length;
  }

  /** The lines' outcomes in input order, for the output and error files. */
  async *results(batchId: string): AsyncGenerator<{ status: string; result: string | null }> {
    let after = 0;
    for (;;) {
      const rows = await this.storage.db
        .selectFrom("batch_lines")
        .select(["line", "status", "result"])
        .where("batch_id", "=", batchId)
        .where("line", ">", after)
        .orderBy("line", "asc")
        .limit(INSERT_CHUNK)
        .execute();
      if (rows.length === 0) return;
      for (const row of rows) yield { status: row.status, result: row.result };
      after = Number(rows.at(-1)!.line);
    }
  }

  private async setLine(batchId: string, line: number, status: LineStatus, result: string | null, from?: LineStatus): Promise<void> {
    let query = this.storage.db.updateTable("batch_lines").set({ status, result, updated_at: Date.now() }).where("batch_id", "=", batchId).where("line", "=", line);
    if (from !== undefined) query = query.where("status", "=", from);
    await query.execute();
  }
}

function toRow(record: BatchRecord): Omit<BatchTable, "lease_owner" | "lease_until"> {
  return {
    id: record.id,
    project_id: record.projectId,
    key_id: record.keyId,
    endpoint: record.endpoint,
    input_file_id: record.inputFileId,
    completion_window: record.completionWindow,
    status: record.status,
    metadata: record.metadata === null ? null : JSON.stringify(record.metadata),
    created_at: record.createdAt,
    expires_at: record.expiresAt,
    times: JSON.stringify(record.times),
    output_file_id: record.outputFileId,
    error_file_id: record.errorFileId,
    errors: record.errors === null ? null : JSON.stringify(record.errors),
    upstream: record.upstream === null ? null : JSON.stringify(record.upstream),
  };
}
