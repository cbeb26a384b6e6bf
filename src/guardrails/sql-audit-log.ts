import type { Kysely } from "kysely";
import { createId } from "../core/ids.js";
import type { Database } from "../storage/database.js";
import type { AuditEntry, AuditLog, AuditQuery, NewAuditEntry } from "./audit-log.js";

export interface GuardrailEventTable {
  id: string;
  at: number;
  request_id: string;
  key_id: string;
  project_id: string | null;
  model: string;
  provider: string | null;
  direction: string;
  category: string;
  action: string;
  count: number;
  score: number | null;
}

declare module "../storage/database.js" {
  interface Database {
    guardrail_events: GuardrailEventTable;
  }
}

/** Rows are written after the response path, in batches: at most this long after the action. */
const FLUSH_INTERVAL_MS = 500;
const FLUSH_BATCH = 200;

/** The audit log in the database (SQLite or PostgreSQL through the storage layer's Kysely handle). */
export class SqlAuditLog implements AuditLog {
  private pending: GuardrailEventTable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  record(entries: readonly NewAuditEntry[]): void {
    const at = Date.now();
    for (const entry of entries) {
      this.pending.push({
        id: createId("gra_"),
        at,
        request_id: entry.requestId,
        key_id: entry.keyId,
        project_id: entry.projectId ?? null,
        model: entry.model,
        provider: entry.provider ?? null,
        direction: entry.direction,
        category: entry.category,
        action: entry.action,
        count: entry.count,
        score: entry.score ?? null,
      });
    }
    if (this.pending.length >= FLUSH_BATCH) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS).unref();
  }

  /** Writes what is pending; queries call it first so they see every action recorded so far. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const rows = this.pending;
    this.pending = [];
    this.flushing = this.flushing.then(async () => {
      if (rows.length === 0) return;
      try {
        await this.db.insertInto("guardrail_events").values(rows).execute();
      } catch (error) {
        this.onError(error);
      }
    });
    return this.flushing;
  }

  async query(query: AuditQuery): Promise<AuditEntry[]> {
    await this.flush();
    let select = this.db.selectFrom("guardrail_events").selectAll();
    if (query.requestId !== undefined) select = select.where("request_id", "=", query.requestId);
    if (query.keyId !== undefined) select = select.where("key_id", "=", query.keyId);
    if (query.projectId !== undefined) select = select.where("project_id", "=", query.projectId);
    if (query.category !== undefined) select = select.where("category", "=", query.category);
    if (query.action !== undefined) select = select.where("action", "=", query.action);
    if (query.since !== undefined) select = select.where("at", ">=", Date.parse(query.since));
    if (query.before !== undefined) select = select.where("at", "<", Date.parse(query.before));
    const rows = await select.orderBy("at", "desc").orderBy("id", "desc").limit(query.limit).execute();
    return rows.map(toEntry);
  }

  async close(): Promise<void> {
    await this.flush();
  }
}

function toEntry(row: GuardrailEventTable): AuditEntry {
  const entry: AuditEntry = {
    id: row.id,
    at: new Date(Number(row.at)).toISOString(),
    requestId: row.request_id,
    keyId: row.key_id,
    model: row.model,
    direction: row.direction as AuditEntry["direction"],
    category: row.category,
    action: row.action as AuditEntry["action"],
    count: Number(row.count),
  };
  if (row.project_id !== null) entry.projectId = row.project_id;
  if (row.provider !== null) entry.provider = row.provider;
  if (row.score !== null) entry.score = Number(row.score);
  return entry;
}
