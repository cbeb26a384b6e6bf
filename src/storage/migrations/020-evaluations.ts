import type { Kysely } from "kysely";

/**
 * Evaluations and their per-row results (src/evaluations/tables.ts), and the deployment variant on
 * usage rows, so ratings are summarised per A/B variant as well as per model.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("usage_records").addColumn("deployment_variant", "text").execute();
  await db.schema
    .createTable("evaluations")
    .addColumn("id", "text", (column) => column.notNull())
    .addColumn("project_id", "text", (column) => column.notNull())
    .addColumn("name", "text")
    .addColumn("status", "text", (column) => column.notNull())
    .addColumn("spec", "text", (column) => column.notNull())
    .addColumn("created_by", "text", (column) => column.notNull())
    .addColumn("node_id", "text")
    .addColumn("created_at", "bigint", (column) => column.notNull())
    .addColumn("started_at", "bigint")
    .addColumn("finished_at", "bigint")
    .addColumn("updated_at", "bigint", (column) => column.notNull())
    .addColumn("progress_done", "integer", (column) => column.notNull())
    .addColumn("progress_total", "integer", (column) => column.notNull())
    .addColumn("summary", "text")
    .addColumn("error_code", "text")
    .addColumn("error_message", "text")
    .addPrimaryKeyConstraint("evaluations_pk", ["id"])
    .execute();
  await db.schema.createIndex("evaluations_project").on("evaluations").columns(["project_id", "created_at"]).execute();
  await db.schema
    .createTable("evaluation_results")
    .addColumn("evaluation_id", "text", (column) => column.notNull())
    .addColumn("project_id", "text", (column) => column.notNull())
    .addColumn("row_index", "integer", (column) => column.notNull())
    .addColumn("model", "text", (column) => column.notNull())
    .addColumn("request_id", "text", (column) => column.notNull())
    .addColumn("output", "text")
    .addColumn("error_code", "text")
    .addColumn("error_message", "text")
    .addColumn("latency_ms", "integer", (column) => column.notNull())
    .addColumn("cost_usd", "double precision", (column) => column.notNull())
    .addColumn("input_tokens", "integer", (column) => column.notNull())
    .addColumn("output_tokens", "integer", (column) => column.notNull())
    .addColumn("scores", "text", (column) => column.notNull())
    .addColumn("quality", "double precision")
    .addColumn("win", "double precision")
    .addColumn("judgements", "text", (column) => column.notNull())
    .addPrimaryKeyConstraint("evaluation_results_pk", ["evaluation_id", "row_index", "model"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("usage_records").dropColumn("deployment_variant").execute();
  await db.schema.dropTable("evaluation_results").execute();
  await db.schema.dropTable("evaluations").execute();
}
