import type { Kysely } from "kysely";

/** Providers and models added through the admin API, laid over the config file's; see src/config/overlay-store.ts. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("config_entries")
    .addColumn("kind", "text", (column) => column.notNull())
    .addColumn("name", "text", (column) => column.notNull())
    .addColumn("body", "text", (column) => column.notNull())
    .addColumn("created_at", "bigint", (column) => column.notNull())
    .addColumn("updated_at", "bigint", (column) => column.notNull())
    .addPrimaryKeyConstraint("config_entries_pk", ["kind", "name"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("config_entries").execute();
}
