import type { Kysely } from "kysely";

/** The guardrails audit log: one row per action on a request, never the matched value. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("guardrail_events")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("at", "bigint", (column) => column.notNull())
    .addColumn("request_id", "text", (column) => column.notNull())
    .addColumn("key_id", "text", (column) => column.notNull())
    .addColumn("project_id", "text")
    .addColumn("model", "text", (column) => column.notNull())
    .addColumn("provider", "text")
    .addColumn("direction", "text", (column) => column.notNull())
    .addColumn("category", "text", (column) => column.notNull())
    .addColumn("action", "text", (column) => column.notNull())
    .addColumn("count", "integer", (column) => column.notNull())
    .addColumn("score", "double precision")
    .execute();
  await db.schema.createIndex("guardrail_events_at").on("guardrail_events").column("at").execute();
  await db.schema.createIndex("guardrail_events_request").on("guardrail_events").column("request_id").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("guardrail_events").execute();
}
