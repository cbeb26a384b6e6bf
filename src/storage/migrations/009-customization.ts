import type { Kysely } from "kysely";

/** Uploaded files (bytes live in the data directory) and fine-tuning jobs with their events. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("customization_files")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("project_id", "text", (column) => column.notNull())
    .addColumn("filename", "text", (column) => column.notNull())
    .addColumn("purpose", "text", (column) => column.notNull())
    .addColumn("bytes", "bigint", (column) => column.notNull())
    .addColumn("created_at", "bigint", (column) => column.notNull())
    .addColumn("report", "text")
    .execute();
  await db.schema.createIndex("customization_files_project").on("customization_files").column("project_id").execute();
  await db.schema
    .createTable("fine_tuning_jobs")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("project_id", "text", (column) => column.notNull())
    .addColumn("backend", "text", (column) => column.notNull())
    .addColumn("model", "text", (column) => column.notNull())
    .addColumn("status", "text", (column) => column.notNull())
    .addColumn("created_at", "bigint", (column) => column.notNull())
    .addColumn("finished_at", "bigint")
    .addColumn("request", "text", (column) => column.notNull())
    .addColumn("state", "text", (column) => column.notNull())
    .execute();
  await db.schema.createIndex("fine_tuning_jobs_project").on("fine_tuning_jobs").column("project_id").execute();
  await db.schema
    .createTable("fine_tuning_events")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("job_id", "text", (column) => column.notNull())
    .addColumn("seq", "integer", (column) => column.notNull())
    .addColumn("created_at", "bigint", (column) => column.notNull())
    .addColumn("level", "text", (column) => column.notNull())
    .addColumn("type", "text", (column) => column.notNull())
    .addColumn("message", "text", (column) => column.notNull())
    .addColumn("data", "text")
    .execute();
  await db.schema.createIndex("fine_tuning_events_job").on("fine_tuning_events").columns(["job_id", "seq"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("fine_tuning_events").execute();
  await db.schema.dropTable("fine_tuning_jobs").execute();
  await db.schema.dropTable("customization_files").execute();
}
