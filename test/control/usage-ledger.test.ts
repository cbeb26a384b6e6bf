import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "../../src/control/tables.js";
import { UsageLedger } from "../../src/control/usage/usage-ledger.js";
import type { UsageRow } from "../../src/control/usage/usage-record.js";
import { createLogger } from "../../src/observability/logger.js";
import type { Storage } from "../../src/storage/database.js";
import { openDatabase } from "../../src/storage/open-database.js";
import { startPostgres, type PostgresServer } from "../helpers/postgres.js";

function row(index: number, overrides: Partial<UsageRow> = {}): UsageRow {
  return {
    id: `usg_${String(index).padStart(4, "0")}`,
    request_id: `req_${index}`,
    created_at: 1_790_000_000_000 + index,
    day: "2026-09-21",
    key_id: index % 2 ? "key_a" : "master",
    project_id: index % 2 ? "prj_a" : null,
    api: "openai",
    model: "gpt-test",
    provider: index % 3 ? "up" : null,
    provider_type: index % 3 ? "openai" : null,
    upstream_model: index % 3 ? "up-model" : null,
    input_tokens: index,
    output_tokens: 2 * index,
    cached_input_tokens: index % 4,
    estimated: index % 2,
    cost_usd: index / 1000,
    latency_ms: 10 + index,
    ttft_ms: index % 5 ? index : null,
    status: index % 7 ? "success" : "error",
    http_status: index % 7 ? 200 : 502,
    error_code: index % 7 ? null : "SWY_ERR_UPSTREAM",
    stream: index % 2,
    router_decision: index % 6 ? null : JSON.stringify({ rule: "r", index }),
    deployment_variant: index % 8 ? null : "support@v3:b",
    ...overrides,
  };
}

const stored = async (storage: Storage) => storage.db.selectFrom("usage_records").selectAll().orderBy("id").execute();

describe("usage ledger", () => {
  let postgres: PostgresServer;
  const dirs: string[] = [];
  const logger = createLogger("silent");
  const dir = () => {
    const made = mkdtempSync(join(tmpdir(), "swy-ledger-"));
    dirs.push(made);
    return made;
  };

  beforeAll(async () => {
    postgres = await startPostgres();
  });
  afterAll(async () => {
    await postgres?.stop();
    for (const made of dirs) rmSync(made, { recursive: true, force: true });
  });

  it("writes the same rows on the embedded database as on PostgreSQL, each id once", async () => {
    const sqlite = await openDatabase({ dataDir: dir() });
    const pg = await openDatabase({ url: await postgres.createDatabase("ledger_same") });
    try {
      expect(sqlite.sqlite).toBeDefined();
      expect(pg.sqlite).toBeUndefined();
      const results: Array<Array<Record<string, unknown>>> = [];
      for (const storage of [sqlite, pg]) {
        const ledger = new UsageLedger({ storage, journalDir: join(dir(), "journal"), flushMs: 60_000, batchSize: 7, logger });
        await ledger.start();
        const rows = Array.from({ length: 24 }, (_, index) => row(index));
        await Promise.all(rows.map((item) => ledger.record(item)));
        await ledger.flush();
        // A replay repeats rows already written: they are skipped, not duplicated or changed.
        await Promise.all([ledger.record(row(3, { model: "changed" })), ledger.record(row(24))]);
        // Rows whose keys are not the columns in order (reversed; two left out) are written by column.
        const reversed = Object.fromEntries(Object.entries(row(25)).reverse()) as UsageRow;
        const { router_decision: _decision, deployment_variant: _variant, ...partial } = row(26);
        await Promise.all([ledger.record(reversed), ledger.record(partial as UsageRow)]);
        await ledger.close();
        expect(ledger.written).toBe(28);
        results.push(await stored(storage));
      }
      expect(results[0]).toHaveLength(27);
      expect(results[0]!.find((item) => item.id === "usg_0003")?.model).toBe("gpt-test");
      expect(results[0]).toEqual(results[1]);
      expect(results[0]).toEqual(Array.from({ length: 27 }, (_, index) => row(index)));
    } finally {
      await Promise.all([sqlite.close(), pg.close()]);
    }
  });

  it("writes a batch on the embedded database all or nothing, keeps it journaled and reports its insert", async () => {
    const storage = await openDatabase({ dataDir: dir() });
    const journalDir = join(dir(), "journal");
    try {
      const queries: string[] = [];
      const stop = storage.observeQueries((sql) => queries.push(sql));
      const ledger = new UsageLedger({ storage, journalDir, flushMs: 60_000, batchSize: 100, logger });
      await ledger.start();
      // A row the table refuses (status is NOT NULL) fails its whole batch.
      const bad = row(2, { status: null as unknown as string });
      await Promise.all([ledger.record(row(1)), ledger.record(bad), ledger.record(row(3))]);
      await ledger.flush();
      expect(await stored(storage)).toEqual([]);
      expect(ledger.written).toBe(0);
      expect(readdirSync(journalDir).filter((name) => name.endsWith(".jsonl"))).toHaveLength(1);
      expect(queries.filter((sql) => /insert into "usage_records"/i.test(sql))).toHaveLength(1);
      stop();
      await ledger.close();
    } finally {
      await storage.close();
    }
  });

  it("never writes inside a transaction Kysely holds open on the embedded database", async () => {
    const storage = await openDatabase({ dataDir: dir() });
    try {
      const ledger = new UsageLedger({ storage, journalDir: join(dir(), "journal"), flushMs: 60_000, batchSize: 100, logger });
      await ledger.start();
      await ledger.record(row(1));
      let flushed: Promise<void> | undefined;
      await storage.db
        .transaction()
        .execute(async (trx) => {
          await trx.insertInto("usage_records").values(row(2)).execute();
          // The flush starts while the transaction is open; it must wait for it, not join it.
          flushed = ledger.flush();
          await new Promise((resolve) => setTimeout(resolve, 20));
          throw new Error("roll back");
        })
        .catch(() => undefined);
      await flushed;
      expect((await stored(storage)).map((item) => item.id)).toEqual(["usg_0001"]);
      await ledger.close();
    } finally {
      await storage.close();
    }
  });
});
