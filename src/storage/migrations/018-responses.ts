import type { Kysely } from "kysely";

/** Stored responses of `/v1/responses`; see src/responses/tables.ts. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("responses")
    .addColumn("id", "text", (column) => column.notNull())
    .addColumn("project_id", "text", (column) => column.notNull())
    .addColumn("created_at", "bigint", (column) => column.notNull())
    .addColumn("expires_at", "bigint")
    .addColumn("status", "text", (column) => column.notNull())
    .addColumn("model", "text", (column) => column.notNull())
    .addColumn("previous_response_id", "text")
    .addColumn("response", "text", (column) => column.notNull())
    .addColumn("input_items", "text", (column) => column.notNull())
    .addColumn("conversation", "text", (column) => column.notNull())
    .addPrimaryKeyConstraint("responses_pk", ["id"])
    .execute();
  await db.schema.createIndex("responses_project").on("responses").columns(["project_id", "created_at"]).execute();
  await db.schema.createIndex("responses_expiry").on("responses").column("expires_at").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("responses").execute();
}
