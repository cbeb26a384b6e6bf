import type { Kysely } from "kysely";
import { PostgresAdapter, sql } from "../kysely.js";

/**
 * The stored request log and per-project logging settings (src/logs/tables.ts), with full-text
 * search: an FTS5 index kept in step by triggers on SQLite, a GIN index over a tsvector on PostgreSQL.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("request_logs")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("request_id", "text", (column) => column.notNull())
    .addColumn("project_id", "text", (column) => column.notNull())
    .addColumn("key_id", "text", (column) => column.notNull())
    .addColumn("created_at", "bigint", (column) => column.notNull())
    .addColumn("api", "text", (column) => column.notNull())
    .addColumn("model", "text", (column) => column.notNull())
    .addColumn("deployment", "text")
    .addColumn("routed_model", "text")
    .addColumn("provider", "text")
    .addColumn("upstream_model", "text")
    .addColumn("tier", "text")
    .addColumn("status", "text", (column) => column.notNull())
    .addColumn("http_status", "integer", (column) => column.notNull())
    .addColumn("error_code", "text")
    .addColumn("stream", "integer", (column) => column.notNull())
    .addColumn("cache_hit", "integer", (column) => column.notNull())
    .addColumn("input_tokens", "integer", (column) => column.notNull())
    .addColumn("output_tokens", "integer", (column) => column.notNull())
    .addColumn("cost_usd", "double precision", (column) => column.notNull())
    .addColumn("latency_ms", "integer", (column) => column.notNull())
    .addColumn("ttft_ms", "integer")
    .addColumn("masked_values", "integer", (column) => column.notNull())
    .addColumn("request_json", "text")
    .addColumn("response_json", "text")
    .addColumn("unmasked_request_json", "text")
    .addColumn("unmasked_response_json", "text")
    .addColumn("search_text", "text", (column) => column.notNull())
    .execute();
  await db.schema.createIndex("request_logs_project_time").on("request_logs").columns(["project_id", "created_at"]).execute();
  await db.schema.createIndex("request_logs_time").on("request_logs").column("created_at").execute();
  await db.schema.createIndex("request_logs_request").on("request_logs").columns(["request_id", "project_id"]).execute();
  await db.schema
    .createTable("log_settings")
    .addColumn("project_id", "text", (column) => column.primaryKey())
    .addColumn("store_requests", "integer")
    .addColumn("retention_days", "integer")
    .addColumn("store_unmasked", "integer")
    .addColumn("updated_at", "bigint", (column) => column.notNull())
    .execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`CREATE INDEX request_logs_search ON request_logs USING GIN (to_tsvector('simple', search_text))`.execute(db);
    return;
  }
  // External-content FTS5: the text lives once, in request_logs; the index follows inserts and deletes.
  await sql`CREATE VIRTUAL TABLE request_logs_fts USING fts5(search_text, content='request_logs', content_rowid='rowid')`.execute(db);
  await sql`CREATE TRIGGER request_logs_fts_insert AFTER INSERT ON request_logs BEGIN
    INSERT INTO request_logs_fts(rowid, search_text) VALUES (new.rowid, new.search_text);
  END`.execute(db);
  await sql`CREATE TRIGGER request_logs_fts_delete AFTER DELETE ON request_logs BEGIN
    INSERT INTO request_logs_fts(request_logs_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
  END`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) {
    await sql`DROP TRIGGER IF EXISTS request_logs_fts_insert`.execute(db);
    await sql`DROP TRIGGER IF EXISTS request_logs_fts_delete`.execute(db);
    await sql`DROP TABLE IF EXISTS request_logs_fts`.execute(db);
  }
  await db.schema.dropTable("log_settings").execute();
  await db.schema.dropTable("request_logs").execute();
}
