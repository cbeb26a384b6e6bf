import type { Kysely } from "kysely";
import { sql } from "../kysely.js";

/** Key roles (`admin`, `member`, `viewer`) and the admin audit log; see src/control/audit/. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("virtual_keys")
    .addColumn("role", "text", (column) => column.notNull().defaultTo(sql`'member'`))
    .execute();
  await db.schema
    .createTable("admin_audit")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("at", "bigint", (column) => column.notNull())
    .addColumn("key_id", "text", (column) => column.notNull())
    .addColumn("project_id", "text")
    .addColumn("method", "text", (column) => column.notNull())
    .addColumn("path", "text", (column) => column.notNull())
    .addColumn("status", "integer", (column) => column.notNull())
    .addColumn("before", "text")
    .addColumn("after", "text")
    .execute();
  await db.schema.createIndex("admin_audit_time").on("admin_audit").column("at").execute();
  await db.schema.createIndex("admin_audit_project_time").on("admin_audit").columns(["project_id", "at"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("admin_audit").execute();
  await db.schema.alterTable("virtual_keys").dropColumn("role").execute();
}
