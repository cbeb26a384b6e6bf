import type { Kysely } from "kysely";

/** Routing samples (opt-in per auto model) and the feedback that rates them; see src/routing/feedback/tables.ts. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("routing_samples")
    .addColumn("request_id", "text", (column) => column.notNull())
    .addColumn("project_id", "text", (column) => column.notNull())
    .addColumn("created_at", "bigint", (column) => column.notNull())
    .addColumn("auto_model", "text", (column) => column.notNull())
    .addColumn("model", "text", (column) => column.notNull())
    .addColumn("tier", "text", (column) => column.notNull())
    .addColumn("score", "double precision", (column) => column.notNull())
    .addColumn("key_id", "text", (column) => column.notNull())
    .addColumn("prompt", "text", (column) => column.notNull())
    .addPrimaryKeyConstraint("routing_samples_pk", ["request_id", "project_id"])
    .execute();
  await db.schema.createIndex("routing_samples_model_time").on("routing_samples").columns(["auto_model", "created_at"]).execute();
  await db.schema
    .createTable("routing_feedback")
    .addColumn("request_id", "text", (column) => column.notNull())
    .addColumn("project_id", "text", (column) => column.notNull())
    .addColumn("score", "double precision", (column) => column.notNull())
    .addColumn("comment", "text")
    .addColumn("key_id", "text", (column) => column.notNull())
    .addColumn("created_at", "bigint", (column) => column.notNull())
    .addPrimaryKeyConstraint("routing_feedback_pk", ["request_id", "project_id"])
    .execute();
  // Feedback may rate any metered request, found by the id the client got back.
  await db.schema.createIndex("usage_records_request").on("usage_records").column("request_id").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("usage_records_request").execute();
  await db.schema.dropTable("routing_feedback").execute();
  await db.schema.dropTable("routing_samples").execute();
}
