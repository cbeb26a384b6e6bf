import type { Kysely } from "kysely";
import { PostgresAdapter } from "../kysely.js";

/**
 * Many nodes on one database: file blobs in the database (chunked, so a model file of gigabytes is
 * written and read a piece at a time), and a lease on each fine-tuning job so exactly one node runs it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const binary = db.getExecutor().adapter instanceof PostgresAdapter ? "bytea" : "blob";
  await db.schema
    .createTable("blobs")
    .addColumn("key", "text", (column) => column.primaryKey())
    .addColumn("bytes", "bigint", (column) => column.notNull())
    .addColumn("chunks", "integer", (column) => column.notNull())
    .addColumn("created_at", "bigint", (column) => column.notNull())
    .execute();
  await db.schema
    .createTable("blob_chunks")
    .addColumn("key", "text", (column) => column.notNull())
    .addColumn("seq", "integer", (column) => column.notNull())
    .addColumn("data", binary, (column) => column.notNull())
    .addPrimaryKeyConstraint("blob_chunks_pk", ["key", "seq"])
    .execute();
  await db.schema.alterTable("fine_tuning_jobs").addColumn("lease_owner", "text").execute();
  await db.schema.alterTable("fine_tuning_jobs").addColumn("lease_until", "bigint").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("fine_tuning_jobs").dropColumn("lease_until").execute();
  await db.schema.alterTable("fine_tuning_jobs").dropColumn("lease_owner").execute();
  await db.schema.dropTable("blob_chunks").execute();
  await db.schema.dropTable("blobs").execute();
}
