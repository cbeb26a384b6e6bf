import type { Kysely } from "kysely";
import type { SqliteHandle } from "./sqlite-batch-insert.js";

/**
 * The typed shape of every table. Each area adds its own tables by module augmentation, so no
 * area edits another's file:
 *
 *   declare module "../storage/database.js" {
 *     interface Database { guardrail_events: GuardrailEventTable }
 *   }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Database {}

export type DatabaseDialect = "sqlite" | "postgres";

/** An open database: the Kysely handle plus what callers need to know about the engine. */
export interface Storage {
  readonly db: Kysely<Database>;
  readonly dialect: DatabaseDialect;
  /** Where it lives, with any password removed (for logs). */
  readonly location: string;
  /** Calls the listener with the SQL of every query run (metrics, and tests that prove what the hot path does). */
  observeQueries(listener: (sql: string) => void): () => void;
  /** The embedded database's own handle (absent on PostgreSQL), for writes prepared once (`sqliteBatchInsert`). */
  readonly sqlite?: SqliteHandle;
  close(): Promise<void>;
}
