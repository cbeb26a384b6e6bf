import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPostgres, type PostgresServer } from "../helpers/postgres.js";
import { startRedis, type RedisServer } from "../helpers/redis.js";
import { startControlFixture, type ControlFixture } from "./control-fixture.js";
import { concurrentAgainstBudget, createKey } from "./limits-scenarios.js";

describe("two gateway nodes sharing PostgreSQL and Redis", () => {
  let postgres: PostgresServer;
  let redis: RedisServer;
  const nodes: ControlFixture[] = [];

  beforeAll(async () => {
    [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
    const databaseUrl = await postgres.createDatabase();
    const env = { DATABASE_URL: databaseUrl, REDIS_URL: redis.url };
    // One after the other: the first applies the migrations.
    // Rows reach PostgreSQL when a test flushes, and keys stay cached: the hot-path test then sees only request-path queries.
    const tuning = { control: { usage_flush_ms: 600_000, key_cache_ms: 600_000 } };
    nodes.push(await startControlFixture(tuning, env));
    nodes.push(await startControlFixture(tuning, env));
  });
  afterAll(async () => {
    await Promise.allSettled(nodes.map((node) => node.close()));
    await Promise.allSettled([postgres?.stop(), redis?.stop()]);
  });

  it("stores state in PostgreSQL and counters in Redis", () => {
    for (const node of nodes) {
      expect(node.gateway.control.storage.dialect).toBe("postgres");
      expect(node.gateway.control.redis).toBeDefined();
    }
  });

  it("keeps 200 concurrent requests over both nodes within one budget", async () => {
    const outcome = await concurrentAgainstBudget(nodes, "two-node-budget");
    expect(outcome.otherStatuses).toEqual([]);
    expect(outcome.successes).toBeGreaterThanOrEqual(1);
    expect(outcome.budgetRefusals).toBeGreaterThan(150);
    expect(outcome.spentUsd).toBeLessThanOrEqual(outcome.budgetUsd + 1e-12);
  });

  it("allows the configured rate across both nodes, not the rate times the nodes", async () => {
    const rpm = 20;
    const key = await createKey(nodes[0]!.admin, "two-node-rate", { rpm });
    const started = Date.now();
    const responses = await Promise.all(Array.from({ length: 4 * rpm }, (_, index) => nodes[index % 2]!.chat(key.secret)));
    const elapsedMs = Date.now() - started;
    const accepted = responses.filter((response) => response.status === 200).length;
    const limited = responses.filter((response) => response.status === 429);
    expect(accepted + limited.length).toBe(4 * rpm);
    // The bucket starts full and refills at rpm/60 per second while the burst runs.
    expect(accepted).toBeGreaterThanOrEqual(rpm);
    expect(accepted).toBeLessThanOrEqual(rpm + Math.ceil((elapsedMs / 60_000) * rpm));
    expect(accepted).toBeLessThan(2 * rpm);
    for (const response of limited) {
      expect(response.json.error.code).toBe("SWY_ERR_RATE_LIMITED");
      expect(Number(response.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    }
  });

  it("makes no PostgreSQL query on the request path once a key is known", async () => {
    const key = await createKey(nodes[0]!.admin, "two-node-hot-path", { budgets: { daily_usd: 100 }, rpm: 100_000, tpm: 10_000_000 });
    for (const node of nodes) expect((await node.chat(key.secret)).status).toBe(200);
    await Promise.all(nodes.map((node) => node.gateway.control.ledger.flush()));
    const queries: string[] = [];
    const stops = nodes.map((node) => node.gateway.control.storage.observeQueries((sql) => queries.push(sql)));
    const responses = await Promise.all(Array.from({ length: 20 }, (_, index) => nodes[index % 2]!.chat(key.secret)));
    stops.forEach((stop) => stop());
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(queries).toEqual([]);
  });

  it("sees keys created on one node from the other", async () => {
    const key = await createKey(nodes[1]!.admin, "cross-node", {});
    expect((await nodes[0]!.chat(key.secret)).status).toBe(200);
    await nodes[0]!.gateway.control.ledger.flush();
    const usage = await nodes[1]!.admin("GET", `/admin/usage?key_id=${key.keyId}`);
    expect(usage.json.data[0].requests).toBe(1);
  });

  // Last: it stops the shared Redis.
  it("refuses limited keys with a clear 503 while Redis is unreachable", async () => {
    const limited = await createKey(nodes[0]!.admin, "redis-down-limited", { rpm: 1000 });
    await redis.stop();
    const refused = await nodes[0]!.chat(limited.secret);
    expect(refused.status).toBe(503);
    expect(refused.json.error.code).toBe("SWY_ERR_LIMITS_UNAVAILABLE");
    expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
  });
});
