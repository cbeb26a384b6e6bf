import type { Kysely, Migration, MigrationProvider } from "kysely";
import { Migrator } from "./kysely.js";
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
  let outcome = await migrator.migrateToLatest();
  // Two processes opening a fresh SQLite file at once: the loser's snapshot is stale; a retry sees the winner's work.
  for (let attempt = 0; attempt < 5 && outcome.error !== undefined && isContention(outcome.error); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200));
    outcome = await migrator.migrateToLatest();
  }
  const { error, results } = outcome;
  const failed = results?.find((result) => result.status === "Error");
  if (error !== undefined) {
    throw new SwitchyardError("SWY_ERR_INTERNAL", `Database migration ${failed?.migrationName ?? ""} failed: ${(error as Error).message ?? String(error)}`, {
      cause: error,
    });
  }
  return (results ?? []).filter((result) => result.status === "Success").map((result) => result.migrationName);
}

function isContention(error: unknown): boolean {
  const text = `${(error as { code?: unknown }).code ?? ""} ${(error as Error).message ?? ""}`;
  return /SQLITE_BUSY|database is locked|already exists|duplicate key/i.test(text);
}
