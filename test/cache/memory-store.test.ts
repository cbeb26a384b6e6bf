import { describe, expect, it } from "vitest";
import { MemoryCacheStore } from "../../src/cache/memory-store.js";
import { cacheKey } from "../../src/cache/cache-key.js";
import type { CachedResponse } from "../../src/cache/store.js";

const value = (text: string): CachedResponse => ({
  response: { content: [{ type: "text", text }], finishReason: { unified: "stop" }, warnings: [] },
  storedAt: 0,
});

describe("memory cache store", () => {
  it("expires entries after their TTL", async () => {
    let now = 1_000;
    const store = new MemoryCacheStore(10, 1_000_000, () => now);
    await store.set("a", value("x"), 500);
    expect(await store.get("a")).toEqual(value("x"));
    now += 501;
    expect(await store.get("a")).toBeUndefined();
    expect(store.size).toBe(0);
    expect(store.totalBytes).toBe(0);
  });

  it("evicts the least recently used entry past max_entries", async () => {
    const store = new MemoryCacheStore(2, 1_000_000);
    await store.set("a", value("1"), 60_000);
    await store.set("b", value("2"), 60_000);
    await store.get("a");
    await store.set("c", value("3"), 60_000);
    expect(await store.get("b")).toBeUndefined();
    expect(await store.get("a")).toBeDefined();
    expect(await store.get("c")).toBeDefined();
  });

  it("keeps its byte total under max_bytes", async () => {
    const store = new MemoryCacheStore(1000, 400);
    for (let index = 0; index < 20; index++) await store.set(`k${index}`, value("y".repeat(50)), 60_000);
    expect(store.totalBytes).toBeLessThanOrEqual(400);
    expect(store.size).toBeGreaterThan(0);
    expect(await store.get("k19")).toBeDefined();
  });
});

describe("cache key", () => {
  const base = { model: "m", messages: [{ role: "user" as const, content: [{ type: "text" as const, text: "hi" }] }] };

  it("ignores key order and the end-user id", () => {
    expect(cacheKey({ ...base, temperature: 0, user: "a" }, "")).toBe(cacheKey({ temperature: 0, ...base, user: "b" }, ""));
  });

  it("changes with anything that changes the output, and with the scope", () => {
    const key = cacheKey(base, "");
    expect(cacheKey({ ...base, temperature: 0.5 }, "")).not.toBe(key);
    expect(cacheKey({ ...base, model: "n" }, "")).not.toBe(key);
    expect(cacheKey({ ...base, providerOptions: { openai: { logprobs: true } } }, "")).not.toBe(key);
    expect(cacheKey(base, "project-1")).not.toBe(key);
  });
});
