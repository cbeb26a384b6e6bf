/** Fine-tuning jobs and their events in the database: every status change is written before it is reported. */
import { createId, unixSeconds } from "../../core/ids.js";
import type { Storage } from "../../storage/database.js";
import "../tables.js";
import type { JobRecord, JobRequest, JobState, JobStatus } from "./types.js";

export interface JobEvent {
  object: "fine_tuning.job.event";
  id: string;
  created_at: number;
  level: string;
  message: string;
  type: string;
  data: unknown;
}

interface JobRow {
  id: string;
  project_id: string;
  backend: string;
  model: string;
  status: string;
  created_at: number;
  finished_at: number | null;
  request: string;
  state: string;
}

const unfinished = ["validating_files", "queued", "running"] as const;

function toRecord(row: JobRow): JobRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    status: row.status as JobStatus,
    createdAt: Number(row.created_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
    request: JSON.parse(row.request) as JobRequest,
    state: JSON.parse(row.state) as JobState,
  };
}

export class JobStore {
  private sequence = 0;

  constructor(private readonly storage: Storage) {}

  /** Inserts the job already leased to `lease.owner`, so no other node's scan can take it before it starts. */
  async insert(record: JobRecord, lease: { owner: string; until: number }): Promise<void> {
    await this.storage.db
      .insertInto("fine_tuning_jobs")
      .values({
        id: record.id,
        project_id: record.projectId,
        backend: record.request.backend,
        model: record.request.model,
        status: record.status,
        created_at: record.createdAt,
        finished_at: record.finishedAt,
        request: JSON.stringify(record.request),
        state: JSON.stringify(record.state),
        lease_owner: lease.owner,
        lease_until: lease.until,
      })
      .execute();
  }

  /**
   * Writes status and state. With `owner`, only while that node still holds the lease: a node that
   * lost its job to another (it stalled past the lease) must not overwrite the new runner's progress.
   * Returns whether the row was written.
   */
  async update(record: JobRecord, owner?: string): Promise<boolean> {
    let query = this.storage.db
      .updateTable("fine_tuning_jobs")
      .set({ status: record.status, finished_at: record.finishedAt, state: JSON.stringify(record.state) })
      .where("id", "=", record.id)
      // A late progress write must never reopen a job that was cancelled or finished meanwhile.
      .where((where) => where.or([where("status", "not in", ["succeeded", "failed", "cancelled"]), where("status", "=", record.status)]));
    if (owner !== undefined) query = query.where("lease_owner", "=", owner);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Takes an unfinished job whose lease is free or expired. One conditional UPDATE, so of many nodes
   * trying at once exactly one gets the row.
   */
  async claim(id: string, owner: string, until: number, now = Date.now()): Promise<boolean> {
    const result = await this.storage.db
      .updateTable("fine_tuning_jobs")
      .set({ lease_owner: owner, lease_until: until })
      .where("id", "=", id)
      .where("status", "in", [...unfinished])
      .where((where) => where.or([where("lease_owner", "is", null), where("lease_until", "is", null), where("lease_until", "<", now)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Extends this node's leases; returns the ids it still holds (a job cancelled or taken over drops out). */
  async renew(ids: string[], owner: string, until: number): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    await this.storage.db
      .updateTable("fine_tuning_jobs")
      .set({ lease_until: until })
      .where("id", "in", ids)
      .where("lease_owner", "=", owner)
      .where("status", "in", [...unfinished])
      .execute();
    const rows = await this.storage.db
      .selectFrom("fine_tuning_jobs")
      .select("id")
      .where("id", "in", ids)
      .where("lease_owner", "=", owner)
      .where("status", "in", [...unfinished])
      .execute();
    return new Set(rows.map((row) => row.id));
  }

  /** Gives a job back at once (clean shutdown), so the next node need not wait for the lease to expire. */
  async release(ids: string[], owner: string): Promise<void> {
    if (ids.length === 0) return;
    await this.storage.db.updateTable("fine_tuning_jobs").set({ lease_until: 0 }).where("id", "in", ids).where("lease_owner", "=", owner).execute();
  }

  /** Unfinished jobs nobody holds: free, or their holder's lease expired. */
  async claimable(now = Date.now()): Promise<JobRecord[]> {
    const rows = await this.storage.db
      .selectFrom("fine_tuning_jobs")
      .select(["id", "project_id", "backend", "model", "status", "created_at", "finished_at", "request", "state"])
      .where("status", "in", [...unfinished])
      .where((where) => where.or([where("lease_owner", "is", null), where("lease_until", "is", null), where("lease_until", "<", now)]))
      .orderBy("created_at", "asc")
      .execute();
    return rows.map(toRecord);
  }

  /** Jobs whose models may be served: succeeded ones and any with checkpoints (a reconcile reads these). */
  async withModels(): Promise<JobRecord[]> {
    const rows = await this.storage.db
      .selectFrom("fine_tuning_jobs")
      .select(["id", "project_id", "backend", "model", "status", "created_at", "finished_at", "request", "state"])
      .where((where) => where.or([where("status", "=", "succeeded"), where("state", "like", '%"fine_tuned_model_checkpoint"%')]))
      .orderBy("created_at", "asc")
      .execute();
    return rows.map(toRecord);
  }

  async get(id: string, projectId?: string): Promise<JobRecord | undefined> {
    let query = this.storage.db.selectFrom("fine_tuning_jobs").selectAll().where("id", "=", id);
    if (projectId !== undefined) query = query.where("project_id", "=", projectId);
    const row = await query.executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async list(projectId: string, options: { after?: string; limit: number }): Promise<JobRecord[]> {
    let query = this.storage.db.selectFrom("fine_tuning_jobs").selectAll().where("project_id", "=", projectId);
    if (options.after) {
      const cursor = await this.get(options.after, projectId);
      if (cursor) query = query.where("created_at", "<", cursor.createdAt);
    }
    const rows = await query.orderBy("created_at", "desc").orderBy("id", "desc").limit(options.limit).execute();
    return rows.map(toRecord);
  }

  async all(): Promise<JobRecord[]> {
    const rows = await this.storage.db.selectFrom("fine_tuning_jobs").selectAll().orderBy("created_at", "asc").execute();
    return rows.map(toRecord);
  }

  async addEvent(jobId: string, event: { level: string; type: string; message: string; data?: unknown }): Promise<void> {
    const now = Date.now();
    // created_at plus a per-process counter keeps order stable within one millisecond.
    this.sequence = (this.sequence + 1) % 1000;
    await this.storage.db
      .insertInto("fine_tuning_events")
      .values({
        id: createId("ftevent-"),
        job_id: jobId,
        seq: this.sequence,
        created_at: now,
        level: event.level,
        type: event.type,
        message: event.message,
        data: event.data === undefined ? null : JSON.stringify(event.data),
      })
      .execute();
  }

  /** Newest first, like OpenAI's API. */
  async events(jobId: string, options: { after?: string; limit: number }): Promise<JobEvent[]> {
    const rows = await this.storage.db
      .selectFrom("fine_tuning_events")
      .selectAll()
      .where("job_id", "=", jobId)
      .orderBy("created_at", "desc")
      .orderBy("seq", "desc")
      .execute();
    let start = 0;
    if (options.after) {
      const index = rows.findIndex((row) => row.id === options.after);
      if (index >= 0) start = index + 1;
    }
    return rows.slice(start, start + options.limit).map((row) => ({
      object: "fine_tuning.job.event",
      id: row.id,
      created_at: unixSeconds(Number(row.created_at)),
      level: row.level,
      message: row.message,
      type: row.type,
      data: row.data === null ? null : (JSON.parse(row.data) as unknown),
    }));
  }
}
