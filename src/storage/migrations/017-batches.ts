import type { Kysely } from "kysely";

/** Batches and one row per input line, so a restarted gateway resumes where it stopped; see src/batches/tables.ts. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("batches")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("project_id", "text", (column) => column.notNull())
    .addColumn("key_id", "text", (column) => column.notNull())
    .addColumn("endpoint", "text", (column) => column.notNull())
    .addColumn("input_file_id", "text", (column) => column.notNull())
    .addColumn("completion_window", "text", (column) => column.notNull())
    .addColumn("status", "text", (column) => column.notNull())
    .addColumn("metadata", "text")
    .addColumn("created_at", "bigint", (column) => column.notNull())
    .addColumn("expires_at", "bigint", (column) => column.notNull())
    .addColumn("times", "text", (column) => column.notNull())
    .addColumn("output_file_id", "text")
    .addColumn("error_file_id", "text")
    .addColumn("errors", "text")
    .addColumn("upstream", "text")
    .execute();
  await db.schema.createIndex("batches_project_created").on("batches").columns(["project_id", "created_at"]).execute();
  await db.schema.createIndex("batches_status").on("batches").column("status").execute();
  await db.schema
    .createTable("batch_lines")
    .addColumn("batch_id", "text", (column) => column.notNull())
    .addColumn("line", "integer", (column) => column.notNull())
    .addColumn("custom_id", "text")
    .addColumn("status", "text", (column) => column.notNull())
    .addColumn("request", "text")
    .addColumn("result", "text")
    .addColumn("updated_at", "bigint", (column) => column.notNull())
    .addPrimaryKeyConstraint("batch_lines_pk", ["batch_id", "line"])
    .execute();
  await db.schema.createIndex("batch_lines_status").on("batch_lines").columns(["batch_id", "status"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("batch_lines").execute();
  await db.schema.dropTable("batches").execute();
}
