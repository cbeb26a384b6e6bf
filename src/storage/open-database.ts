import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import type { LogEvent } from "kysely";
import { Kysely, PostgresDialect, SqliteDialect } from "./kysely.js";
import type pg from "pg";
import type { Database, Storage } from "./database.js";
import { migrateToLatest } from "./migrate.js";

export interface OpenDatabaseOptions {
  /** `postgres://` / `postgresql://` for PostgreSQL; `sqlite:<path>`, `:memory:` or a path for SQLite. */
  url?: string;
  /** Used when no url is given: SQLite at `<dataDir>/switchyard.db`. */
  dataDir?: string;
  poolSize?: number;
  /** Run pending migrations (default true). */
  migrate?: boolean;
}

// pg loads only for a PostgreSQL url: the embedded default never needs it in memory.
const require = createRequire(import.meta.url);

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** PostgreSQL returns int8 and numeric as strings; every count and sum here fits a double. */
function pgTypes(types: typeof pg.types): pg.CustomTypesConfig {
  return {
    getTypeParser(oid: number, format?: "text" | "binary") {
      if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
      return types.getTypeParser(oid, format);
    },
  } as unknown as pg.CustomTypesConfig;
}

export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url);
}

/** Opens the database named by url (or the embedded default) and brings its schema up to date. */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Storage> {
  const storage = isPostgresUrl(options.url) ? openPostgres(options.url, options.poolSize ?? 10) : openSqlite(sqlitePath(options));
  if (options.migrate !== false) {
    try {
      await migrateToLatest(storage.db);
    } catch (error) {
      await storage.close();
      throw error;
    }
  }
  return storage;
}

function sqlitePath(options: OpenDatabaseOptions): string {
  if (options.url !== undefined) return options.url.replace(/^sqlite:(\/\/)?/i, "");
  return join(resolve(options.dataDir ?? "./data"), "switchyard.db");
}

function openSqlite(path: string): Storage {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const database = new BetterSqlite3(path);
  // WAL lets readers (usage queries) run while the usage flusher writes; NORMAL sync is durable across process crashes.
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = NORMAL");
  database.pragma("busy_timeout = 5000");
  database.pragma("foreign_keys = ON");
  const listeners = new Set<(sql: string) => void>();
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }), log: queryLog(listeners) });
  const report = (sql: string) => {
    for (const listener of listeners) listener(sql);
  };
  return { db, dialect: "sqlite", location: path, observeQueries: observer(listeners), sqlite: { database, report }, close: () => db.destroy() };
}

function openPostgres(url: string, poolSize: number): Storage {
  const { Pool, types } = require("pg") as typeof pg;
  const pool = new Pool({ connectionString: url, max: poolSize, types: pgTypes(types) });
  // An idle client that loses its server must not crash the process; the next query reports the failure.
  pool.on("error", () => undefined);
  const listeners = new Set<(sql: string) => void>();
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: queryLog(listeners) });
  const location = url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
  return { db, dialect: "postgres", location, observeQueries: observer(listeners), close: () => db.destroy() };
}

function queryLog(listeners: Set<(sql: string) => void>) {
  return (event: LogEvent) => {
    for (const listener of listeners) listener(event.query.sql);
  };
}

function observer(listeners: Set<(sql: string) => void>) {
  return (listener: (sql: string) => void) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  };
}
