import type { Kysely } from "kysely";

/** Gated promotions of a candidate model into an auto model's weak tier or a deployment (src/promotion/tables.ts). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("promotions")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("project_id", "text", (column) => column.notNull())
    .addColumn("key_id", "text", (column) => column.notNull())
    .addColumn("candidate", "text", (column) => column.notNull())
    .addColumn("auto_model", "text")
    .addColumn("deployment", "text")
    .addColumn("status", "text", (column) => column.notNull())
    .addColumn("request", "text", (column) => column.notNull())
    .addColumn("evaluation", "text")
    .addColumn("gate", "text")
    .addColumn("applied", "text")
    .addColumn("refusal", "text")
    .addColumn("rollback", "text")
    .addColumn("events", "text", (column) => column.notNull())
    .addColumn("created_at", "bigint", (column) => column.notNull())
    .addColumn("updated_at", "bigint", (column) => column.notNull())
    .addColumn("promoted_at", "bigint")
    .addColumn("lease_owner", "text")
    .addColumn("lease_until", "bigint")
    .execute();
  await db.schema.createIndex("promotions_project_created").on("promotions").columns(["project_id", "created_at"]).execute();
  await db.schema.createIndex("promotions_status").on("promotions").column("status").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("promotions").execute();
}
