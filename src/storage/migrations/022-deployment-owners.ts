import type { Kysely } from "kysely";
import { sql } from "../kysely.js";

/**
 * Every deployment belongs to a project: its admin keys manage it and only its keys call it. Rows
 * from before owners existed were made with the master key, which acts for `default`. A null owner is
 * a deployment from the config file, which every project may call (like the file's `models:`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("deployments").addColumn("project_id", "text").execute();
  await sql`update deployments set project_id = 'default'`.execute(db);
  await db.schema.createIndex("deployments_project").on("deployments").column("project_id").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("deployments_project").execute();
  await db.schema.alterTable("deployments").dropColumn("project_id").execute();
}
