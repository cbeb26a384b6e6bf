import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import type { ChatRequest } from "../../src/core/types.js";
import { createLogger } from "../../src/observability/logger.js";
import { createRedis } from "../../src/storage/redis.js";
import { semanticQuery } from "../../src/cache/semantic-key.js";
import { MemorySemanticStore } from "../../src/cache/semantic-memory-store.js";
import { RedisSemanticStore } from "../../src/cache/semantic-redis-store.js";
import { unitVector, type SemanticStore } from "../../src/cache/semantic-store.js";
import type { CachedResponse } from "../../src/cache/store.js";
import { startRedis, type RedisServer } from "../helpers/redis.js";

const value = (text: string): CachedResponse => ({
  response: { content: [{ type: "text", text }], finishReason: { unified: "stop" }, warnings: [] },
  storedAt: 0,
});
const answer = (match: { value: CachedResponse } | undefined) => (match?.value.response.content[0] as { text: string } | undefined)?.text;

const request = (text: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "chat",
  messages: [{ role: "user", content: [{ type: "text", text }] }],
  temperature: 0,
  ...extra,
});

describe("semantic partition and text", () => {
  const partition = (chat: ChatRequest, scope = "prj_a") => semanticQuery(chat, scope, "emb", 100)?.partition;

  it("compares only the last user turn; the scope, parameters and earlier turns must match exactly", () => {
    const base = partition(request("hello"));
    expect(semanticQuery(request("hello"), "prj_a", "emb", 100)?.text).toBe("hello");
    expect(partition(request("a different question"))).toBe(base);
    expect(partition(request("hello", { user: "someone" }))).toBe(base);
    expect(partition(request("hello"), "prj_b")).not.toBe(base);
    expect(semanticQuery(request("hello"), "prj_a", "other-embedding-model", 100)?.partition).not.toBe(base);
    for (const extra of [{ model: "other" }, { temperature: 1 }, { maxOutputTokens: 5 }, { responseFormat: { type: "json" as const } }, { tools: [{ name: "f", parameters: {} }] }]) {
      expect(partition(request("hello", extra))).not.toBe(base);
    }
    const withSystem = request("hello", { messages: [{ role: "system", content: [{ type: "text", text: "be brief" }] }, { role: "user", content: [{ type: "text", text: "hello" }] }] });
    expect(partition(withSystem)).not.toBe(base);
  });

  it("leaves images, tool results, empty and over-long prompts to the exact cache", () => {
    expect(semanticQuery(request("x".repeat(101)), "", "emb", 100)).toBeUndefined();
    expect(semanticQuery(request("   "), "", "emb", 100)).toBeUndefined();
    const image = request("", { messages: [{ role: "user", content: [{ type: "text", text: "what is this" }, { type: "image", source: { kind: "url", url: "http://127.0.0.1/x.png" } }] }] });
    expect(semanticQuery(image, "", "emb", 100)).toBeUndefined();
    const tool = request("", { messages: [{ role: "user", content: [{ type: "text", text: "weather?" }] }, { role: "tool", content: [{ type: "tool-result", toolCallId: "c1", content: [{ type: "text", text: "sunny" }] }] }] });
    expect(semanticQuery(tool, "", "emb", 100)).toBeUndefined();
  });
});

/** Behaviour both stores share: best match at or above the threshold, partitions, expiry, replacement. */
function sharedBehaviour(make: (maxEntries: number, now: () => number) => SemanticStore): void {
  it("returns the closest entry at or above the threshold, only from its own partition", async () => {
    const store = make(10, Date.now);
    await store.add("p", "a", unitVector([1, 0, 0]), value("a"), 60_000);
    await store.add("p", "b", unitVector([1, 1, 0]), value("b"), 60_000);
    await store.add("q", "c", unitVector([1, 0.1, 0]), value("c"), 60_000);
    const match = await store.search("p", unitVector([1, 0.1, 0]), 0.5);
    expect(answer(match)).toBe("a");
    expect(match!.similarity).toBeCloseTo(0.995, 3);
    expect(answer(await store.search("p", unitVector([1, 0.9, 0]), 0.5))).toBe("b");
    expect(await store.search("p", unitVector([0, 0, 1]), 0.5)).toBeUndefined();
    expect(await store.search("p", unitVector([1, 0.1, 0]), 0.999)).toBeUndefined();
    expect(await store.search("p", unitVector([1, 0]), 0)).toBeUndefined();
    expect(await store.search("none", unitVector([1, 0, 0]), 0.5)).toBeUndefined();
    await store.close();
  });

  it("expires entries and replaces an entry stored again under the same id", async () => {
    let now = 1_000_000;
    const store = make(10, () => now);
    await store.add("p", "a", unitVector([1, 0]), value("old"), 500);
    await store.add("p", "a", unitVector([1, 0]), value("new"), 500);
    expect(answer(await store.search("p", unitVector([1, 0]), 0.9))).toBe("new");
    now += 501;
    expect(await store.search("p", unitVector([1, 0]), 0.9)).toBeUndefined();
    await store.close();
  });
}

describe("memory semantic store", () => {
  sharedBehaviour((maxEntries, now) => new MemorySemanticStore(maxEntries, 1_000_000, now));

  it("evicts the least recently used entry past max_entries, across partitions", async () => {
    const store = new MemorySemanticStore(2, 1_000_000);
    await store.add("p", "a", unitVector([1, 0]), value("a"), 60_000);
    await store.add("q", "b", unitVector([1, 0]), value("b"), 60_000);
    await store.search("p", unitVector([1, 0]), 0.9);
    await store.add("p", "c", unitVector([0, 1]), value("c"), 60_000);
    expect(store.size).toBe(2);
    expect(await store.search("q", unitVector([1, 0]), 0.9)).toBeUndefined();
    expect(answer(await store.search("p", unitVector([1, 0]), 0.9))).toBe("a");
  });

  it("stays under its byte bound", async () => {
    const store = new MemorySemanticStore(1000, 600);
    for (let index = 0; index < 20; index++) await store.add("p", `k${index}`, unitVector([1, index]), value("y".repeat(50)), 60_000);
    expect(store.size).toBeGreaterThan(0);
    expect(store.size).toBeLessThan(20);
  });
});

describe("Redis semantic store", () => {
  let redis: RedisServer;
  const connections: Redis[] = [];
  const make = (maxEntries: number, now: () => number = Date.now) => {
    const connection = createRedis(redis.url);
    connections.push(connection);
    return new RedisSemanticStore(connection, `t${connections.length}:`, maxEntries, createLogger("silent"), true, now);
  };
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const connection of connections) connection.disconnect();
    await redis.stop();
  });

  sharedBehaviour((maxEntries, now) => make(maxEntries, now));

  it("keeps each partition to max_entries, dropping the soonest to expire, and expires the partition's keys", async () => {
    const store = make(3);
    for (let index = 0; index < 5; index++) await store.add("p", `k${index}`, unitVector([1, index]), value(`v${index}`), 60_000 + index * 1000);
    const inspect = new Redis(redis.url);
    const keys = (await inspect.keys(`t${connections.length}:*`)).sort();
    expect(keys).toEqual([`t${connections.length}:sem:{p}:index`, `t${connections.length}:sem:{p}:values`, `t${connections.length}:sem:{p}:vectors`]);
    expect(await inspect.zrange(keys[0]!, 0, -1)).toEqual(["k2", "k3", "k4"]);
    expect(await inspect.hlen(keys[1]!)).toBe(3);
    expect(await inspect.pttl(keys[2]!)).toBeGreaterThan(60_000);
    expect(await store.search("p", unitVector([1, 0]), 0.99)).toBeUndefined();
    expect(answer(await store.search("p", unitVector([1, 4]), 0.99))).toBe("v4");
    inspect.disconnect();
  });

  it("treats an unreachable Redis as a miss, not a failure", async () => {
    const store = new RedisSemanticStore(createRedis("redis://127.0.0.1:1"), "x:", 10, createLogger("silent"), true);
    await expect(store.add("p", "a", unitVector([1, 0]), value("a"), 1000)).resolves.toBeUndefined();
    await expect(store.search("p", unitVector([1, 0]), 0.5)).resolves.toBeUndefined();
    await store.close();
  });
});
