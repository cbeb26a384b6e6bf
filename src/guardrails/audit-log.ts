import { createId } from "../core/ids.js";

/** One guardrail action. It records what was done and to which request, never the matched value. */
export interface AuditEntry {
  id: string;
  /** ISO 8601 time. */
  at: string;
  requestId: string;
  keyId: string;
  projectId?: string;
  model: string;
  provider?: string;
  direction: "input" | "output";
  category: string;
  action: "mask" | "redact" | "block" | "score" | "route_local";
  count: number;
  /** Injection score (category `prompt_injection`). */
  score?: number;
}

export type NewAuditEntry = Omit<AuditEntry, "id" | "at">;

export interface AuditQuery {
  requestId?: string;
  keyId?: string;
  projectId?: string;
  category?: string;
  action?: AuditEntry["action"];
  /** ISO 8601 lower bound (inclusive). */
  since?: string;
  /** ISO 8601 upper bound (exclusive): page backwards with the oldest `at` of the previous page. */
  before?: string;
  limit: number;
}

/** Where guardrail actions are kept. Writes must not slow the request: implementations buffer. */
export interface AuditLog {
  record(entries: readonly NewAuditEntry[]): void;
  /** Newest first. */
  query(query: AuditQuery): Promise<AuditEntry[]>;
  close?(): Promise<void>;
}

/** A bounded in-memory ring: the oldest entries go first. */
export class InMemoryAuditLog implements AuditLog {
  private readonly entries: AuditEntry[] = [];

  constructor(private readonly capacity = 10_000) {}

  record(entries: readonly NewAuditEntry[]): void {
    const at = new Date().toISOString();
    for (const entry of entries) this.entries.push({ ...entry, id: createId("gra_"), at });
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  async query(query: AuditQuery): Promise<AuditEntry[]> {
    const result: AuditEntry[] = [];
    for (let index = this.entries.length - 1; index >= 0 && result.length < query.limit; index--) {
      const entry = this.entries[index]!;
      if (matches(entry, query)) result.push(entry);
    }
    return result;
  }
}

export function matches(entry: AuditEntry, query: AuditQuery): boolean {
  return (
    (query.requestId === undefined || entry.requestId === query.requestId) &&
    (query.keyId === undefined || entry.keyId === query.keyId) &&
    (query.projectId === undefined || entry.projectId === query.projectId) &&
    (query.category === undefined || entry.category === query.category) &&
    (query.action === undefined || entry.action === query.action) &&
    (query.since === undefined || entry.at >= query.since) &&
    (query.before === undefined || entry.at < query.before)
  );
}
