/**
 * Migration 022 on real SQLite and real PostgreSQL: deployments saved before owners existed were made
 * with the master key and now belong to `default`; the store reads the owner back, and a deployment
 * from the config file, saved again at start, becomes shared (no owner) without a new version.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Migrator, type Migration } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeploymentStore } from "../../src/customization/deployments/deployment-store.js";
import type { Storage } from "../../src/storage/database.js";
import { migrateToLatest } from "../../src/storage/migrate.js";
import { migrations } from "../../src/storage/migrations/index.js";
import { openDatabase } from "../../src/storage/open-database.js";
import { startPostgres, type PostgresServer } from "../helpers/postgres.js";

/** The schema as it was before deployments had owners. */
async function migrateBeforeOwners(storage: Storage): Promise<void> {
  const earlier = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < "022-deployment-owners"));
  const migrator = new Migrator({
    db: storage.db,
    provider: { getMigrations: () => Promise.resolve(earlier as Record<string, Migration>) },
    migrationTableName: "switchyard_migration",
    migrationLockTableName: "switchyard_migration_lock",
    allowUnorderedMigrations: true,
  });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) throw error;
}

async function checkUpgrade(storage: Storage): Promise<void> {
  await migrateBeforeOwners(storage);
  const spec = JSON.stringify({ model: "chat", variables: {}, parameters: {} });
  for (const [name, source] of [["helpdesk", "api"], ["from-file", "config"]] as const) {
    await storage.db.insertInto("deployment_versions").values({ name, version: 1, spec, source, created_at: 1 }).execute();
    // The owner column is not there yet; the row has only the old columns.
    await storage.db.insertInto("deployments").values({ name, active_version: 1, updated_at: 1 }).execute();
  }
  expect(await migrateToLatest(storage.db)).toContain("022-deployment-owners");

  const store = new DeploymentStore(storage);
  await store.load();
  expect(store.get("helpdesk")).toMatchObject({ version: 1, project_id: "default" });
  expect(store.get("from-file")).toMatchObject({ version: 1, project_id: "default" });
  expect(store.visible("helpdesk", "prj_other")).toBeUndefined();
  expect(store.visible("helpdesk", "default")?.name).toBe("helpdesk");

  // Start-up saves the config file's deployments again: the same spec keeps its version and is shared now.
  const shared = await store.save("from-file", { model: "chat", variables: {}, parameters: {} }, "config", null);
  expect(shared).toMatchObject({ version: 1, project_id: null });
  const reread = new DeploymentStore(storage);
  await reread.load();
  expect(reread.get("from-file")?.project_id).toBeNull();
  expect(reread.visible("from-file", "prj_other")?.name).toBe("from-file");
  expect(reread.list("default").map((deployment) => deployment.name)).toEqual(["helpdesk"]);
}

describe("deployment owners (migration 022)", () => {
  let postgres: PostgresServer;
  const dir = mkdtempSync(join(tmpdir(), "swy-deployment-owners-"));

  beforeAll(async () => {
    postgres = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("gives existing deployments to `default` on SQLite", async () => {
    const storage = await openDatabase({ dataDir: dir, migrate: false });
    try {
      await checkUpgrade(storage);
    } finally {
      await storage.close();
    }
  });

  it("gives existing deployments to `default` on PostgreSQL", async () => {
    const storage = await openDatabase({ url: await postgres.createDatabase(), migrate: false });
    try {
      await checkUpgrade(storage);
    } finally {
      await storage.close();
    }
  });
});
