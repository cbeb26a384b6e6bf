import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { createLogger } from "../../src/observability/logger.js";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startRedis, type RedisServer } from "../helpers/redis.js";
import { RedisCacheStore } from "../../src/cache/redis-store.js";
import { createRedis } from "../../src/storage/redis.js";
import { Redis } from "ioredis";
import { waitFor } from "../helpers/wait.js";

async function appWith(emulator: OpenaiEmulator, cache: Record<string, unknown>, env: Record<string, string> = {}): Promise<App> {
  return createApp({
    logger: createLogger("silent"),
    env,
    config: {
      providers: { emu: { type: "openai", base_url: emulator.baseURL, api_key: "none" } },
      models: { chat: { routes: [{ provider: "emu", model: "gpt-4o-mini" }] } },
      cache,
    },
  });
}

function chat(app: App, text: string, options: { stream?: boolean; headers?: Record<string, string> } = {}) {
  return app.server.inject({
    method: "POST",
    url: "/v1/chat/completions",
    headers: { "content-type": "application/json", ...options.headers },
    payload: { model: "chat", stream: options.stream ?? false, messages: [{ role: "user", content: text }], temperature: 0 },
  });
}

describe("response cache (memory)", () => {
  let emulator: OpenaiEmulator;
  let app: App;
  beforeAll(async () => {
    emulator = await startOpenaiEmulator();
    app = await appWith(emulator, { mode: "on" });
  });
  afterAll(async () => {
    await app.close();
    await emulator.close();
  });

  it("answers a repeated request from the cache, marked in headers, without calling the upstream", async () => {
    const before = emulator.requests.length;
    const first = await chat(app, "cache me please");
    expect(first.headers["x-switchyard-cache"]).toBe("miss");
    const second = await chat(app, "cache me please");
    expect(second.statusCode).toBe(200);
    expect(second.headers["x-switchyard-cache"]).toBe("hit");
    expect(Number(second.headers["x-switchyard-cache-age"])).toBeGreaterThanOrEqual(0);
    expect(emulator.requests.length - before).toBe(1);
    const a = first.json();
    const b = second.json();
    expect(b.choices[0].message.content).toBe(a.choices[0].message.content);
    expect(b.usage).toEqual(a.usage);
  });

  it("replays a cached response as a stream", async () => {
    await chat(app, "stream me later");
    const before = emulator.requests.length;
    const streamed = await chat(app, "stream me later", { stream: true });
    expect(streamed.headers["x-switchyard-cache"]).toBe("hit");
    expect(streamed.headers["content-type"]).toContain("text/event-stream");
    const text = streamed.body
      .split("\n\n")
      .filter((frame) => frame.startsWith("data: {"))
      .map((frame) => JSON.parse(frame.slice(6)).choices[0]?.delta?.content ?? "")
      .join("");
    expect(text).toBe((await chat(app, "stream me later")).json().choices[0].message.content);
    expect(streamed.body).toContain("data: [DONE]");
    expect(emulator.requests.length).toBe(before);
  });

  it("stores a streamed answer and serves it as JSON", async () => {
    const streamed = await chat(app, "first streamed", { stream: true });
    expect(streamed.headers["x-switchyard-cache"]).toBe("miss");
    const before = emulator.requests.length;
    const json = await chat(app, "first streamed");
    expect(json.headers["x-switchyard-cache"]).toBe("hit");
    expect(json.json().choices[0].finish_reason).toBe("stop");
    expect(emulator.requests.length).toBe(before);
  });

  it("honours no-store, no-cache and x-switchyard-cache: off", async () => {
    await chat(app, "headers test");
    const before = emulator.requests.length;
    const bypass = await chat(app, "headers test", { headers: { "x-switchyard-cache": "off" } });
    expect(bypass.headers["x-switchyard-cache"]).toBeUndefined();
    const noStore = await chat(app, "headers test", { headers: { "cache-control": "no-store" } });
    expect(noStore.headers["x-switchyard-cache"]).toBeUndefined();
    const refresh = await chat(app, "headers test", { headers: { "cache-control": "no-cache" } });
    expect(refresh.headers["x-switchyard-cache"]).toBe("refresh");
    expect(emulator.requests.length - before).toBe(3);
    expect((await chat(app, "headers test")).headers["x-switchyard-cache"]).toBe("hit");
  });

  it("never stores a failed answer", async () => {
    emulator.faults.push({ kind: "status", status: 500, message: "boom" });
    const failed = await chat(app, "fails once");
    expect(failed.statusCode).toBe(502);
    const next = await chat(app, "fails once");
    expect(next.statusCode).toBe(200);
    expect(next.headers["x-switchyard-cache"]).toBe("miss");
  });

  it("counts hits and misses on /metrics", async () => {
    const body = (await app.server.inject({ method: "GET", url: "/metrics" })).body;
    expect(body).toMatch(/switchyard_cache_lookups_total\{result="hit"\} [1-9]/);
    expect(body).toMatch(/switchyard_cache_lookups_total\{result="miss"\} [1-9]/);
    expect(body).toMatch(/switchyard_chat_requests_total\{model="chat",provider="cache",stream="false",outcome="ok"\} [1-9]/);
  });
});

describe("response cache modes", () => {
  let emulator: OpenaiEmulator;
  beforeAll(async () => {
    emulator = await startOpenaiEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  it("opt-in mode caches only requests that ask for it", async () => {
    const app = await appWith(emulator, { mode: "opt-in" });
    await chat(app, "opt in");
    expect((await chat(app, "opt in")).headers["x-switchyard-cache"]).toBeUndefined();
    await chat(app, "opt in", { headers: { "x-switchyard-cache": "on" } });
    expect((await chat(app, "opt in", { headers: { "x-switchyard-cache": "on" } })).headers["x-switchyard-cache"]).toBe("hit");
    await app.close();
  });

  it("is off by default", async () => {
    const app = await appWith(emulator, {});
    expect(app.cache).toBeUndefined();
    expect((await chat(app, "x", { headers: { "x-switchyard-cache": "on" } })).headers["x-switchyard-cache"]).toBeUndefined();
    await app.close();
  });

  it("rejects unknown cache keys in config", async () => {
    await expect(appWith(emulator, { mode: "on", ttl: 5 })).rejects.toThrow(/cache/);
  });
});

describe("response cache (Redis)", () => {
  let redis: RedisServer;
  let emulator: OpenaiEmulator;
  beforeAll(async () => {
    redis = await startRedis();
    emulator = await startOpenaiEmulator();
  });
  afterAll(async () => {
    await emulator.close();
    await redis.stop();
  });

  it("shares entries between two gateway instances through Redis, and only through Redis", async () => {
    const one = await appWith(emulator, { mode: "on" }, { REDIS_URL: redis.url });
    const two = await appWith(emulator, { mode: "on" }, { REDIS_URL: redis.url });
    const alone = await appWith(emulator, { mode: "on" });
    const reader = new Redis(redis.url);
    try {
      expect(one.cache?.store.kind).toBe("redis");
      expect(two.cache?.store.kind).toBe("redis");
      const before = emulator.requests.length;
      const first = await chat(one, "shared via redis");
      expect(first.headers["x-switchyard-cache"]).toBe("miss");
      expect(emulator.requests.length - before).toBe(1);

      // The entry is written after the response ends: wait for it in Redis itself, not through a gateway,
      // so the second instance's first request is the one that must hit.
      const keys = await waitFor(async () => {
        const found = await reader.keys("swy:cache:*");
        return found.length > 0 ? found : undefined;
      }, 10_000, "the cache entry in Redis");
      expect(keys).toHaveLength(1);
      expect(await reader.get(keys[0]!)).toContain(first.json().choices[0].message.content);

      const second = await chat(two, "shared via redis");
      expect(second.headers["x-switchyard-cache"]).toBe("hit");
      expect(second.json().choices[0].message.content).toBe(first.json().choices[0].message.content);
      expect(emulator.requests.length - before).toBe(1);

      // A gateway with its own memory store has nothing to share.
      expect((await chat(alone, "shared via redis")).headers["x-switchyard-cache"]).toBe("miss");
      expect(emulator.requests.length - before).toBe(2);

      // The second instance holds no copy of its own: once Redis forgets, it misses.
      await reader.flushdb();
      expect((await chat(two, "shared via redis")).headers["x-switchyard-cache"]).toBe("miss");
      expect(emulator.requests.length - before).toBe(3);
    } finally {
      reader.disconnect();
      await Promise.all([one.close(), two.close(), alone.close()]);
    }
  });

  it("treats an unreachable Redis as a miss, not a failure", async () => {
    const connection = createRedis("redis://127.0.0.1:1");
    const store = new RedisCacheStore(connection, "swy:cache:", createLogger("silent"), true);
    await expect(store.set("k", { response: { content: [], finishReason: { unified: "stop" }, warnings: [] }, storedAt: 0 }, 1000)).resolves.toBeUndefined();
    await expect(store.get("k")).resolves.toBeUndefined();
    await store.close();
  });
});
