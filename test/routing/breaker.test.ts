import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import type { BreakerStore } from "../../src/routing/breaker/breaker-store.js";
import { MemoryBreakerStore } from "../../src/routing/breaker/memory-breaker-store.js";
import { RedisBreakerStore } from "../../src/routing/breaker/redis-breaker-store.js";
import { circuitBreakerSchema } from "../../src/routing/config-schema.js";
import { startRedis, type RedisServer } from "../helpers/redis.js";

const config = circuitBreakerSchema.parse({ consecutive_failures: 3, error_rate: 0.5, min_requests: 6, window_ms: 10_000, cooldown_ms: 1_000, half_open_probes: 1 });

let redisServer: RedisServer;
const clients: Redis[] = [];

beforeAll(async () => {
  redisServer = await startRedis();
});

afterAll(async () => {
  for (const client of clients) client.disconnect();
  await redisServer?.stop();
});

function redisStore(prefix: string): BreakerStore {
  const client = new Redis(redisServer.url);
  clients.push(client);
  return new RedisBreakerStore(client, prefix);
}

const stores: Array<[string, (prefix: string) => BreakerStore]> = [
  ["memory", () => new MemoryBreakerStore()],
  ["redis", redisStore],
];

describe.each(stores)("circuit breaker (%s)", (_name, make) => {
  it("opens after consecutive failures, refuses during the cooldown, then lets one probe through", async () => {
    const store = make("t1:");
    let now = 1_000_000;
    for (let index = 0; index < 2; index++) {
      expect((await store.acquire("p", config, now)).allowed).toBe(true);
      await store.record("p", config, false, false, now);
    }
    expect((await store.acquire("p", config, now)).state).toBe("closed");
    await store.record("p", config, false, false, now);
    const refused = await store.acquire("p", config, now + 10);
    expect(refused).toMatchObject({ allowed: false, state: "open" });
    expect(refused.retryInMs).toBe(990);

    now += 1_000;
    const probe = await store.acquire("p", config, now);
    expect(probe).toMatchObject({ allowed: true, state: "half-open", probe: true });
    expect((await store.acquire("p", config, now)).allowed).toBe(false);
    await store.record("p", config, true, true, now);
    expect(await store.acquire("p", config, now)).toMatchObject({ allowed: true, state: "closed" });
    const [snapshot] = await store.snapshot(now);
    expect(snapshot).toMatchObject({ key: "p", state: "closed", opens: 1, consecutiveFailures: 0 });
  });

  it("gives a probe slot back when its request was abandoned", async () => {
    const store = make("t5:");
    const now = 6_000_000;
    for (let index = 0; index < 3; index++) await store.record("a", config, false, false, now);
    expect((await store.acquire("a", config, now + 1_000)).probe).toBe(true);
    expect((await store.acquire("a", config, now + 1_000)).allowed).toBe(false);
    await store.release("a");
    expect(await store.acquire("a", config, now + 1_000)).toMatchObject({ allowed: true, probe: true });
  });

  it("re-opens when the half-open probe fails", async () => {
    const store = make("t2:");
    const now = 2_000_000;
    for (let index = 0; index < 3; index++) await store.record("q", config, false, false, now);
    expect((await store.acquire("q", config, now + 1_000)).probe).toBe(true);
    await store.record("q", config, false, true, now + 1_000);
    expect(await store.acquire("q", config, now + 1_001)).toMatchObject({ allowed: false, state: "open" });
    expect((await store.snapshot(now + 1_001))[0]).toMatchObject({ state: "open", opens: 2 });
  });

  it("opens on the error rate over the window even without a failure streak", async () => {
    const store = make("t3:");
    const now = 3_000_000;
    for (const success of [false, true, false, true, false, false]) await store.record("r", config, success, false, now);
    expect((await store.acquire("r", config, now)).allowed).toBe(false);
  });

  it("keeps endpoints apart and ignores old windows", async () => {
    const store = make("t4:");
    let now = 4_000_000;
    for (const success of [false, true, false, true, false]) await store.record("s", config, success, false, now);
    now += 20_000;
    await store.record("s", config, false, false, now);
    expect((await store.acquire("s", config, now)).allowed).toBe(true);
    expect((await store.acquire("other", config, now)).allowed).toBe(true);
  });
});

describe("redis breakers are shared by nodes", () => {
  it("a breaker opened by one node is open for another", async () => {
    const nodeA = redisStore("shared:");
    const nodeB = redisStore("shared:");
    const now = 5_000_000;
    for (let index = 0; index < 3; index++) await nodeA.record("upstream", config, false, false, now);
    expect(await nodeB.acquire("upstream", config, now + 1)).toMatchObject({ allowed: false, state: "open" });
    // Only one of the two nodes gets the single half-open probe.
    const permits = await Promise.all([nodeA.acquire("upstream", config, now + 1_000), nodeB.acquire("upstream", config, now + 1_000)]);
    expect(permits.filter((permit) => permit.allowed)).toHaveLength(1);
  });
});
