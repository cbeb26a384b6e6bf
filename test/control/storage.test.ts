import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "../../src/control/tables.js";
import { openDatabase } from "../../src/storage/open-database.js";
import { createRedis } from "../../src/storage/redis.js";
import type { Storage } from "../../src/storage/database.js";
import { startPostgres, type PostgresServer } from "../helpers/postgres.js";
import { startRedis, type RedisServer } from "../helpers/redis.js";

async function roundTrip(storage: Storage) {
  await storage.db
    .insertInto("projects")
    .values({ id: "prj_1", name: "alpha", budget_daily_usd: 1.5, budget_weekly_usd: null, budget_monthly_usd: null, rpm: 10, tpm: null, created_at: Date.now() })
    .execute();
  const row = await storage.db.selectFrom("projects").selectAll().where("id", "=", "prj_1").executeTakeFirstOrThrow();
  expect(row.name).toBe("alpha");
  expect(row.budget_daily_usd).toBe(1.5);
  expect(typeof row.created_at).toBe("number");
  expect(row.metadata).toBe("{}");
}

describe("storage", () => {
  let postgres: PostgresServer;
  let redis: RedisServer;
  const dir = mkdtempSync(join(tmpdir(), "swy-storage-"));

  beforeAll(async () => {
    [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  });
  afterAll(async () => {
    await Promise.allSettled([postgres?.stop(), redis?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("opens SQLite in WAL mode in the data dir and migrates", async () => {
    const storage = await openDatabase({ dataDir: dir });
    expect(storage.dialect).toBe("sqlite");
    expect(storage.location).toBe(join(dir, "switchyard.db"));
    await roundTrip(storage);
    await storage.close();
    // Reopening applies nothing twice.
    const again = await openDatabase({ dataDir: dir });
    const count = await again.db.selectFrom("projects").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
    await again.close();
  });

  it("opens PostgreSQL from a postgres:// url with the same schema", async () => {
    const url = await postgres.createDatabase();
    const storage = await openDatabase({ url });
    expect(storage.dialect).toBe("postgres");
    await roundTrip(storage);
    await storage.close();
  });

  it("connects to Redis", async () => {
    const client = createRedis(redis.url);
    await client.set("k", "v");
    expect(await client.get("k")).toBe("v");
    client.disconnect();
  });
});
