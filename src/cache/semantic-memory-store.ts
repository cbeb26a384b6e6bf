import type { CachedResponse } from "./store.js";
import { similarity, type SemanticMatch, type SemanticStore } from "./semantic-store.js";

interface Entry {
  partition: string;
  vector: Float32Array;
  value: CachedResponse;
  expiresAt: number;
  bytes: number;
}

/**
 * In-process semantic entries: one LRU over all partitions bounded by entry count and approximate
 * bytes, plus a per-partition index so a lookup scans only the entries that could match.
 */
export class MemorySemanticStore implements SemanticStore {
  readonly kind = "memory";
  private readonly entries = new Map<string, Entry>();
  private readonly partitions = new Map<string, Set<string>>();
  private bytes = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  async search(partition: string, vector: Float32Array, threshold: number): Promise<SemanticMatch | undefined> {
    const ids = this.partitions.get(partition);
    if (!ids) return undefined;
    const now = this.now();
    let best: { id: string; entry: Entry; similarity: number } | undefined;
    for (const id of [...ids]) {
      const entry = this.entries.get(id)!;
      if (entry.expiresAt <= now) {
        this.remove(id);
        continue;
      }
      const score = similarity(vector, entry.vector);
      if (score >= threshold && (!best || score > best.similarity)) best = { id, entry, similarity: score };
    }
    if (!best) return undefined;
    // Touch: a hit makes the entry the most recently used.
    this.entries.delete(best.id);
    this.entries.set(best.id, best.entry);
    return { value: best.entry.value, similarity: best.similarity };
  }

  async add(partition: string, id: string, vector: Float32Array, value: CachedResponse, ttlMs: number): Promise<void> {
    const bytes = id.length + partition.length + vector.byteLength + JSON.stringify(value).length;
    if (bytes > this.maxBytes) return;
    this.remove(id);
    this.entries.set(id, { partition, vector, value, expiresAt: this.now() + ttlMs, bytes });
    this.bytes += bytes;
    let ids = this.partitions.get(partition);
    if (!ids) this.partitions.set(partition, (ids = new Set()));
    ids.add(id);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.remove(oldest);
    }
  }

  async close(): Promise<void> {
    this.entries.clear();
    this.partitions.clear();
    this.bytes = 0;
  }

  private remove(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.bytes -= entry.bytes;
    const ids = this.partitions.get(entry.partition);
    ids?.delete(id);
    if (ids?.size === 0) this.partitions.delete(entry.partition);
  }
}
