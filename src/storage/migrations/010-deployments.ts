import type { Kysely } from "kysely";

/** Named deployments: every saved spec is a version; `deployments` points at the active one. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("deployment_versions")
    .addColumn("name", "text", (column) => column.notNull())
    .addColumn("version", "integer", (column) => column.notNull())
    .addColumn("spec", "text", (column) => column.notNull())
    .addColumn("source", "text", (column) => column.notNull())
    .addColumn("created_at", "bigint", (column) => column.notNull())
    .addPrimaryKeyConstraint("deployment_versions_pk", ["name", "version"])
    .execute();
  await db.schema
    .createTable("deployments")
    .addColumn("name", "text", (column) => column.primaryKey())
    .addColumn("active_version", "integer", (column) => column.notNull())
    .addColumn("updated_at", "bigint", (column) => column.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("deployments").execute();
  await db.schema.dropTable("deployment_versions").execute();
}
