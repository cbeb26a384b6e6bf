/**
 * Promotions in the database. Every read by id filters by project (another project's answers the
 * same 404 as a missing one); state changes that only one node may make (finishing an evaluation,
 * rolling back) are conditional updates on the current status, so two nodes never both do them.
 */
import type { Selectable } from "kysely";
import { SwitchyardError } from "../core/errors.js";
import type { Storage } from "../storage/database.js";
import type { PromotionTable } from "./tables.js";
import "./tables.js";
import type { PromotionEvent, PromotionRecord, PromotionStatus } from "./types.js";

const parse = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

function toRecord(row: Selectable<PromotionTable>): PromotionRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    keyId: row.key_id,
    candidate: row.candidate,
    autoModel: row.auto_model,
    deployment: row.deployment,
    status: row.status as PromotionStatus,
    request: JSON.parse(row.request) as PromotionRecord["request"],
    evaluation: parse(row.evaluation),
    gate: parse(row.gate),
    applied: parse(row.applied),
    refusal: parse(row.refusal),
    rollback: parse(row.rollback),
    events: JSON.parse(row.events) as PromotionEvent[],
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    promotedAt: row.promoted_at === null ? null : Number(row.promoted_at),
  };
}

export const promotionNotFound = (id: string) => new SwitchyardError("SWY_ERR_NOT_FOUND", `No promotion with id '${id}'.`, { param: "id" });

type Changes = Partial<Pick<PromotionRecord, "status" | "evaluation" | "gate" | "applied" | "refusal" | "rollback" | "promotedAt">>;

export class PromotionStore {
  constructor(private readonly storage: Storage) {}

  async create(record: PromotionRecord, lease: { owner: string; until: number }): Promise<void> {
    await this.storage.db
      .insertInto("promotions")
      .values({
        id: record.id,
        project_id: record.projectId,
        key_id: record.keyId,
        candidate: record.candidate,
        auto_model: record.autoModel,
        deployment: record.deployment,
        status: record.status,
        request: JSON.stringify(record.request),
        evaluation: null,
        gate: null,
        applied: null,
        refusal: null,
        rollback: null,
        events: JSON.stringify(record.events),
        created_at: record.createdAt,
        updated_at: record.updatedAt,
        promoted_at: null,
        lease_owner: lease.owner,
        lease_until: lease.until,
      })
      .execute();
  }

  /** One promotion; undefined when it does not exist or belongs to another project (`projectId` undefined: any). */
  async get(id: string, projectId?: string): Promise<PromotionRecord | undefined> {
    let query = this.storage.db.selectFrom("promotions").selectAll().where("id", "=", id);
    if (projectId !== undefined) query = query.where("project_id", "=", projectId);
    const row = await query.executeTakeFirst();
    return row && toRecord(row);
  }

  async require(id: string, projectId?: string): Promise<PromotionRecord> {
    const record = await this.get(id, projectId);
    if (!record) throw promotionNotFound(id);
    return record;
  }

  /** Newest first. */
  async list(filter: { projectId?: string; status?: PromotionStatus; limit: number; before?: number }): Promise<PromotionRecord[]> {
    let query = this.storage.db.selectFrom("promotions").selectAll().orderBy("created_at", "desc").orderBy("id", "desc").limit(filter.limit);
    if (filter.projectId !== undefined) query = query.where("project_id", "=", filter.projectId);
    if (filter.status !== undefined) query = query.where("status", "=", filter.status);
    if (filter.before !== undefined) query = query.where("created_at", "<", filter.before);
    return (await query.execute()).map(toRecord);
  }

  /** Promotions in force (status `promoted`), for the rollback monitor. */
  async promoted(): Promise<PromotionRecord[]> {
    return (await this.storage.db.selectFrom("promotions").selectAll().where("status", "=", "promoted").execute()).map(toRecord);
  }

  /** The promotions in force on one target (an auto model or a deployment). */
  async inForce(target: { autoModel?: string; deployment?: string }): Promise<PromotionRecord[]> {
    let query = this.storage.db.selectFrom("promotions").selectAll().where("status", "=", "promoted");
    if (target.autoModel !== undefined) query = query.where("auto_model", "=", target.autoModel);
    if (target.deployment !== undefined) query = query.where("deployment", "=", target.deployment);
    return (await query.execute()).map(toRecord);
  }

  /** The promotions still being evaluated for one target. */
  async evaluatingOn(target: { autoModel?: string; deployment?: string }): Promise<PromotionRecord[]> {
    let query = this.storage.db.selectFrom("promotions").selectAll().where("status", "=", "evaluating");
    if (target.autoModel !== undefined) query = query.where("auto_model", "=", target.autoModel);
    if (target.deployment !== undefined) query = query.where("deployment", "=", target.deployment);
    return (await query.execute()).map(toRecord);
  }

  /**
   * Applies `changes` only while the promotion is in status `from`; true when this call made the
   * change. Events are appended in the same statement's read-modify-write under that condition.
   */
  async transition(id: string, from: PromotionStatus, changes: Changes, events: Array<Omit<PromotionEvent, "at">> = []): Promise<boolean> {
    const current = await this.get(id);
    if (!current || current.status !== from) return false;
    const now = Date.now();
    const set: Partial<PromotionTable> = {
      updated_at: now,
      events: JSON.stringify([...current.events, ...events.map((event) => ({ at: now, ...event }))]),
    };
    if (changes.status !== undefined) set.status = changes.status;
    if (changes.evaluation !== undefined) set.evaluation = JSON.stringify(changes.evaluation);
    if (changes.gate !== undefined) set.gate = JSON.stringify(changes.gate);
    if (changes.applied !== undefined) set.applied = JSON.stringify(changes.applied);
    if (changes.refusal !== undefined) set.refusal = JSON.stringify(changes.refusal);
    if (changes.rollback !== undefined) set.rollback = JSON.stringify(changes.rollback);
    if (changes.promotedAt !== undefined) set.promoted_at = changes.promotedAt;
    if (changes.status !== undefined && changes.status !== "evaluating") {
      set.lease_owner = null;
      set.lease_until = null;
    }
    const result = await this.storage.db
      .updateTable("promotions")
      .set(set)
      .where("id", "=", id)
      .where("status", "=", from)
      .where("updated_at", "=", current.updatedAt)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Adds progress events to a promotion still being evaluated. */
  async note(id: string, events: Array<Omit<PromotionEvent, "at">>): Promise<void> {
    await this.transition(id, "evaluating", {}, events);
  }

  /** Extends this node's leases on the promotions it is evaluating. */
  async renew(owner: string, until: number): Promise<void> {
    await this.storage.db.updateTable("promotions").set({ lease_until: until }).where("status", "=", "evaluating").where("lease_owner", "=", owner).execute();
  }

  /** Evaluations whose node stopped renewing its lease (it died or restarted): their ids. */
  async abandoned(now: number): Promise<string[]> {
    const rows = await this.storage.db
      .selectFrom("promotions")
      .select("id")
      .where("status", "=", "evaluating")
      .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<", now)]))
      .execute();
    return rows.map((row) => row.id);
  }
}
