import { Migrator, type Kysely, type Migration, type MigrationProvider } from "kysely";
import { SwitchyardError } from "../core/errors.js";
import { migrations } from "./migrations/index.js";

/** The migrations listed in migrations/index.ts, in name order. */
const provider: MigrationProvider = {
  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(Object.entries(migrations).sort(([a], [b]) => a.localeCompare(b)));
  },
};

/** Applies every pending migration; a failure names the migration and leaves earlier ones applied. */
export async function migrateToLatest<Schema>(db: Kysely<Schema>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: "switchyard_migration",
    migrationLockTableName: "switchyard_migration_lock",
    // Areas add migrations independently; a later-numbered file may already be applied.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === "Error");
  if (error !== undefined) {
    throw new SwitchyardError("SWY_ERR_INTERNAL", `Database migration ${failed?.migrationName ?? ""} failed: ${(error as Error).message ?? String(error)}`, {
      cause: error,
    });
  }
  return (results ?? []).filter((result) => result.status === "Success").map((result) => result.migrationName);
}
