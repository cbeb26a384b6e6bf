import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InMemoryAuditLog, type AuditLog, type NewAuditEntry } from "../../src/guardrails/audit-log.js";
import { SqlAuditLog } from "../../src/guardrails/sql-audit-log.js";
import type { Storage } from "../../src/storage/database.js";
import { openDatabase } from "../../src/storage/open-database.js";
import { startPostgres, type PostgresServer } from "../helpers/postgres.js";

const entry = (overrides: Partial<NewAuditEntry>): NewAuditEntry => ({
  requestId: "req_1",
  keyId: "key_a",
  model: "gpt",
  direction: "input",
  category: "email",
  action: "mask",
  count: 1,
  ...overrides,
});

async function exercise(audit: AuditLog) {
  audit.record([entry({}), entry({ category: "phone", count: 2, projectId: "proj_1" })]);
  audit.record([entry({ requestId: "req_2", keyId: "key_b", direction: "output", category: "api_key", action: "redact", provider: "openai" })]);
  audit.record([entry({ requestId: "req_3", category: "prompt_injection", action: "score", score: 0.82 })]);

  const all = await audit.query({ limit: 10 });
  expect(all).toHaveLength(4);
  expect(all.map((item) => item.requestId).sort()).toEqual(["req_1", "req_1", "req_2", "req_3"]);
  expect((await audit.query({ requestId: "req_1", limit: 10 })).map((item) => item.category).sort()).toEqual(["email", "phone"]);
  expect(await audit.query({ keyId: "key_b", limit: 10 })).toEqual([
    expect.objectContaining({ direction: "output", category: "api_key", action: "redact", provider: "openai", count: 1 }),
  ]);
  expect((await audit.query({ projectId: "proj_1", limit: 10 }))[0]).toMatchObject({ category: "phone", count: 2 });
  expect((await audit.query({ action: "score", limit: 10 }))[0]!.score).toBeCloseTo(0.82);
  expect(await audit.query({ category: "email", since: new Date(Date.now() + 60_000).toISOString(), limit: 10 })).toEqual([]);
  expect(await audit.query({ limit: 2 })).toHaveLength(2);
  const first = all[0]!;
  expect(Number.isNaN(Date.parse(first.at))).toBe(false);
  expect(first.id).toMatch(/^gra_/);
}

describe("audit log stores", () => {
  let postgres: PostgresServer | undefined;
  const opened: Storage[] = [];
  const dir = mkdtempSync(join(tmpdir(), "swy-guardrails-"));

  beforeAll(async () => {
    postgres = await startPostgres();
  });

  afterAll(async () => {
    await Promise.all(opened.map((storage) => storage.close()));
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("in memory, bounded", async () => {
    await exercise(new InMemoryAuditLog());
    const ring = new InMemoryAuditLog(2);
    ring.record([entry({ requestId: "a" }), entry({ requestId: "b" }), entry({ requestId: "c" })]);
    expect((await ring.query({ limit: 10 })).map((item) => item.requestId)).toEqual(["c", "b"]);
  });

  it("in SQLite through the storage layer's migrations", async () => {
    const storage = await openDatabase({ dataDir: dir });
    opened.push(storage);
    const audit = new SqlAuditLog(storage.db);
    await exercise(audit);
    await audit.close();
  });

  it("in PostgreSQL through the storage layer's migrations", async () => {
    const storage = await openDatabase({ url: await postgres!.createDatabase("guardrails_audit") });
    opened.push(storage);
    const audit = new SqlAuditLog(storage.db);
    await exercise(audit);
    await audit.close();
  });
});
