import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "../../src/control/tables.js";
import { queryModelHealth } from "../../src/control/usage/model-health.js";
import { queryUsage } from "../../src/control/usage/usage-queries.js";
import type { Storage } from "../../src/storage/database.js";
import { openDatabase } from "../../src/storage/open-database.js";
import { startPostgres, type PostgresServer } from "../helpers/postgres.js";

const HOUR = 3_600_000;
const base = Date.UTC(2026, 11, 3, 9, 0, 0);

/** Rows at fixed instants: two in the 09:00 hour, one at 10:59:59.999, one failure at 11:00. */
const rows = [
  { at: base + 5 * 60_000, model: "a", cost: 0.5, latency: 100, ttft: 40, status: "success" },
  { at: base + HOUR - 1, model: "a", cost: 0.25, latency: 300, ttft: null, status: "success" },
  { at: base + 2 * HOUR - 1, model: "b", cost: 1, latency: 200, ttft: 80, status: "success" },
  { at: base + 2 * HOUR, model: "a", cost: 0, latency: 500, ttft: null, status: "error" },
];

async function seed(storage: Storage) {
  await storage.db
    .insertInto("usage_records")
    .values(
      rows.map((row, index) => ({
        id: `u${index}`,
        request_id: `r${index}`,
        created_at: row.at,
        day: new Date(row.at).toISOString().slice(0, 10),
        key_id: "key_1",
        project_id: index === 2 ? "prj_b" : "prj_a",
        api: "chat",
        model: row.model,
        provider: "up",
        provider_type: "openai",
        upstream_model: row.model,
        input_tokens: 10,
        output_tokens: 5,
        cached_input_tokens: 0,
        estimated: 0,
        cost_usd: row.cost,
        latency_ms: row.latency,
        ttft_ms: row.ttft,
        status: row.status,
        http_status: row.status === "success" ? 200 : 502,
        error_code: null,
        stream: 0,
        router_decision: null,
      })),
    )
    .execute();
}

async function check(storage: Storage) {
  await seed(storage);
  const byHour = await queryUsage(storage.db, { from: base, to: base + 3 * HOUR }, ["hour", "model"]);
  expect(byHour.map((group) => [group.hour, group.model, group.requests, group.costUsd])).toEqual([
    ["2026-12-03T09:00:00.000Z", "a", 2, 0.75],
    ["2026-12-03T10:00:00.000Z", "b", 1, 1],
    ["2026-12-03T11:00:00.000Z", "a", 1, 0],
  ]);
  const health = await queryModelHealth(storage.db, { since: base });
  expect(health).toEqual([
    { model: "a", requests: 3, errors: 1, latencyMsAvg: 300, ttftMsAvg: 40, lastRequestAt: base + 2 * HOUR },
    { model: "b", requests: 1, errors: 0, latencyMsAvg: 200, ttftMsAvg: 80, lastRequestAt: base + 2 * HOUR - 1 },
  ]);
  expect((await queryModelHealth(storage.db, { since: base, projectId: "prj_b" })).map((row) => row.model)).toEqual(["b"]);
  expect(await queryModelHealth(storage.db, { since: base + 3 * HOUR })).toEqual([]);
}

// Hourly grouping and model health do arithmetic in SQL: both engines must agree to the millisecond.
describe("usage by hour and model health on SQLite and PostgreSQL", () => {
  let postgres: PostgresServer;
  const dir = mkdtempSync(join(tmpdir(), "swy-usage-hour-"));

  beforeAll(async () => {
    postgres = await startPostgres();
  });
  afterAll(async () => {
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("on SQLite", async () => {
    const storage = await openDatabase({ dataDir: dir });
    try {
      await check(storage);
    } finally {
      await storage.close();
    }
  });

  it("on PostgreSQL", async () => {
    const storage = await openDatabase({ url: await postgres.createDatabase() });
    try {
      await check(storage);
    } finally {
      await storage.close();
    }
  });
});
