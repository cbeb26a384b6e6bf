import { BoundedLru } from "./bounded-lru.js";
import type { CachedResponse, CacheStore } from "./store.js";

/** Exact-match entries in-process: an LRU bounded by count and approximate bytes (the JSON size of each entry). */
export class MemoryCacheStore implements CacheStore {
  readonly kind = "memory";
  private readonly entries: BoundedLru<CachedResponse>;

  constructor(maxEntries: number, maxBytes: number, now: () => number = Date.now) {
    this.entries = new BoundedLru(maxEntries, maxBytes, now);
  }

  get size(): number {
    return this.entries.size;
  }

  get totalBytes(): number {
    return this.entries.totalBytes;
  }

  async get(key: string): Promise<CachedResponse | undefined> {
    return this.entries.get(key);
  }

  async set(key: string, value: CachedResponse, ttlMs: number): Promise<void> {
    this.entries.set(key, value, ttlMs, key.length + JSON.stringify(value).length);
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}
