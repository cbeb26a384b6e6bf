import { BoundedLru } from "./bounded-lru.js";
import type { CachedResponse } from "./store.js";
import { similarity, type SemanticMatch, type SemanticStore } from "./semantic-store.js";

interface Entry {
  partition: string;
  vector: Float32Array;
  value: CachedResponse;
}

/**
 * In-process semantic entries: one LRU over all partitions bounded by entry count and approximate
 * bytes, plus a per-partition index so a lookup scans only the entries that could match.
 */
export class MemorySemanticStore implements SemanticStore {
  readonly kind = "memory";
  private readonly partitions = new Map<string, Set<string>>();
  private readonly entries: BoundedLru<Entry>;

  constructor(maxEntries: number, maxBytes: number, now: () => number = Date.now) {
    this.entries = new BoundedLru<Entry>(maxEntries, maxBytes, now, (id, entry) => {
      const ids = this.partitions.get(entry.partition);
      ids?.delete(id);
      if (ids?.size === 0) this.partitions.delete(entry.partition);
    });
  }

  get size(): number {
    return this.entries.size;
  }

  async search(partition: string, vector: Float32Array, threshold: number): Promise<SemanticMatch | undefined> {
    const ids = this.partitions.get(partition);
    if (!ids) return undefined;
    let best: { id: string; entry: Entry; similarity: number } | undefined;
    for (const id of [...ids]) {
      const entry = this.entries.peek(id);
      if (!entry) continue;
      const score = similarity(vector, entry.vector);
      if (score >= threshold && (!best || score > best.similarity)) best = { id, entry, similarity: score };
    }
    if (!best) return undefined;
    // Touch: a hit makes the entry the most recently used.
    this.entries.get(best.id);
    return { value: best.entry.value, similarity: best.similarity };
  }

  async add(partition: string, id: string, vector: Float32Array, value: CachedResponse, ttlMs: number): Promise<void> {
    const bytes = id.length + partition.length + vector.byteLength + JSON.stringify(value).length;
    this.entries.set(id, { partition, vector, value }, ttlMs, bytes);
    if (this.entries.peek(id) === undefined) return;
    let ids = this.partitions.get(partition);
    if (!ids) this.partitions.set(partition, (ids = new Set()));
    ids.add(id);
  }

  async close(): Promise<void> {
    this.entries.clear();
    this.partitions.clear();
  }
}
