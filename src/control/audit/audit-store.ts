import type { Kysely, Selectable } from "kysely";
import { createId } from "../../core/ids.js";
import type { Database } from "../../storage/database.js";
import type { AdminAuditTable } from "./tables.js";
import { redactSecrets } from "./redact.js";

export interface AdminAuditEntry {
  id: string;
  at: number;
  keyId: string;
  projectId?: string;
  method: string;
  path: string;
  status: number;
  before?: unknown;
  after?: unknown;
}

export interface AdminAuditQuery {
  projectId?: string;
  keyId?: string;
  since?: number;
  before?: number;
  limit: number;
}

const parse = (text: string | null): unknown => (text === null ? undefined : (JSON.parse(text) as unknown));
const serialise = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(redactSecrets(value)));

function toEntry(row: Selectable<AdminAuditTable>): AdminAuditEntry {
  return {
    id: row.id,
    at: Number(row.at),
    keyId: row.key_id,
    projectId: row.project_id ?? undefined,
    method: row.method,
    path: row.path,
    status: row.status,
    before: parse(row.before),
    after: parse(row.after),
  };
}

/** The admin audit log: one row per mutating admin call, written after the call answers. */
export class AdminAuditStore {
  constructor(private readonly db: Kysely<Database>) {}

  async record(entry: Omit<AdminAuditEntry, "id">): Promise<void> {
    await this.db
      .insertInto("admin_audit")
      .values({
        id: createId("aud_", 20),
        at: entry.at,
        key_id: entry.keyId,
        project_id: entry.projectId ?? null,
        method: entry.method,
        path: entry.path,
        status: entry.status,
        before: serialise(entry.before),
        after: serialise(entry.after),
      })
      .execute();
  }

  async query(filter: AdminAuditQuery): Promise<AdminAuditEntry[]> {
    let query = this.db.selectFrom("admin_audit").selectAll().orderBy("at", "desc").orderBy("id", "desc").limit(filter.limit);
    if (filter.projectId !== undefined) query = query.where("project_id", "=", filter.projectId);
    if (filter.keyId !== undefined) query = query.where("key_id", "=", filter.keyId);
    if (filter.since !== undefined) query = query.where("at", ">=", filter.since);
    if (filter.before !== undefined) query = query.where("at", "<", filter.before);
    return (await query.execute()).map(toEntry);
  }
}
