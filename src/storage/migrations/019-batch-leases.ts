import type { Kysely } from "kysely";

/** One node runs each batch: a lease on the batch row, as fine-tuning jobs have (docs/batches.md). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("batches").addColumn("lease_owner", "text").execute();
  await db.schema.alterTable("batches").addColumn("lease_until", "bigint").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("batches").dropColumn("lease_until").execute();
  await db.schema.alterTable("batches").dropColumn("lease_owner").execute();
}
