import type { Kysely } from "kysely";

/** Projects, virtual keys, encrypted provider credentials and the usage ledger. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("projects")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("name", "text", (column) => column.notNull().unique())
    .addColumn("budget_daily_usd", "double precision")
    .addColumn("budget_weekly_usd", "double precision")
    .addColumn("budget_monthly_usd", "double precision")
    .addColumn("rpm", "integer")
    .addColumn("tpm", "integer")
    .addColumn("metadata", "text", (column) => column.notNull().defaultTo("{}"))
    .addColumn("created_at", "bigint", (column) => column.notNull())
    .execute();

  await db.schema
    .createTable("virtual_keys")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("project_id", "text", (column) => column.notNull().references("projects.id").onDelete("cascade"))
    .addColumn("name", "text", (column) => column.notNull())
    .addColumn("key_hash", "text", (column) => column.notNull().unique())
    .addColumn("key_prefix", "text", (column) => column.notNull())
    .addColumn("allowed_models", "text")
    .addColumn("budget_daily_usd", "double precision")
    .addColumn("budget_weekly_usd", "double precision")
    .addColumn("budget_monthly_usd", "double precision")
    .addColumn("rpm", "integer")
    .addColumn("tpm", "integer")
    .addColumn("max_parallel", "integer")
    .addColumn("metadata", "text", (column) => column.notNull().defaultTo("{}"))
    .addColumn("tags", "text", (column) => column.notNull().defaultTo("[]"))
    .addColumn("created_at", "bigint", (column) => column.notNull())
    .addColumn("expires_at", "bigint")
    .addColumn("revoked_at", "bigint")
    .execute();
  await db.schema.createIndex("virtual_keys_project").on("virtual_keys").column("project_id").execute();

  await db.schema
    .createTable("provider_credentials")
    .addColumn("name", "text", (column) => column.primaryKey())
    .addColumn("provider", "text", (column) => column.notNull())
    .addColumn("ciphertext", "text", (column) => column.notNull())
    .addColumn("created_at", "bigint", (column) => column.notNull())
    .addColumn("updated_at", "bigint", (column) => column.notNull())
    .execute();

  await db.schema
    .createTable("usage_records")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("request_id", "text", (column) => column.notNull())
    .addColumn("created_at", "bigint", (column) => column.notNull())
    .addColumn("day", "text", (column) => column.notNull())
    .addColumn("key_id", "text", (column) => column.notNull())
    .addColumn("project_id", "text")
    .addColumn("api", "text", (column) => column.notNull())
    .addColumn("model", "text", (column) => column.notNull())
    .addColumn("provider", "text")
    .addColumn("provider_type", "text")
    .addColumn("upstream_model", "text")
    .addColumn("input_tokens", "integer", (column) => column.notNull())
    .addColumn("output_tokens", "integer", (column) => column.notNull())
    .addColumn("cached_input_tokens", "integer", (column) => column.notNull())
    .addColumn("estimated", "integer", (column) => column.notNull())
    .addColumn("cost_usd", "double precision", (column) => column.notNull())
    .addColumn("latency_ms", "integer", (column) => column.notNull())
    .addColumn("ttft_ms", "integer")
    .addColumn("status", "text", (column) => column.notNull())
    .addColumn("http_status", "integer", (column) => column.notNull())
    .addColumn("error_code", "text")
    .addColumn("stream", "integer", (column) => column.notNull())
    .addColumn("router_decision", "text")
    .execute();
  await db.schema.createIndex("usage_records_created").on("usage_records").column("created_at").execute();
  await db.schema.createIndex("usage_records_project_created").on("usage_records").columns(["project_id", "created_at"]).execute();
  await db.schema.createIndex("usage_records_key_created").on("usage_records").columns(["key_id", "created_at"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("usage_records").execute();
  await db.schema.dropTable("provider_credentials").execute();
  await db.schema.dropTable("virtual_keys").execute();
  await db.schema.dropTable("projects").execute();
}
