interface Slot<V> {
  value: V;
  expiresAt: number;
  bytes: number;
}

/**
 * An in-process LRU bounded by entry count and approximate bytes, with a TTL per entry. A Map keeps
 * insertion order, so re-inserting on access makes the first key the least recent. `onRemove` hears
 * of every entry that leaves (replaced, expired, evicted or deleted), for indexes kept beside it.
 */
export class BoundedLru<V> {
  private readonly slots = new Map<string, Slot<V>>();
  private bytes = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
    private readonly now: () => number = Date.now,
    private readonly onRemove?: (key: string, value: V) => void,
  ) {}

  get size(): number {
    return this.slots.size;
  }

  get totalBytes(): number {
    return this.bytes;
  }

  /** The value if present and not expired (an expired one is dropped), without touching it. */
  peek(key: string): V | undefined {
    const slot = this.slots.get(key);
    if (!slot) return undefined;
    if (slot.expiresAt <= this.now()) {
      this.delete(key);
      return undefined;
    }
    return slot.value;
  }

  /** Like peek, and a hit becomes the most recently used. */
  get(key: string): V | undefined {
    const value = this.peek(key);
    if (value !== undefined) {
      const slot = this.slots.get(key)!;
      this.slots.delete(key);
      this.slots.set(key, slot);
    }
    return value;
  }

  /** Stores a value of `bytes` approximate size; one larger than the whole budget is not stored. */
  set(key: string, value: V, ttlMs: number, bytes: number): void {
    if (bytes > this.maxBytes) return;
    this.delete(key);
    this.slots.set(key, { value, expiresAt: this.now() + ttlMs, bytes });
    this.bytes += bytes;
    for (const oldest of this.slots.keys()) {
      if (this.slots.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.delete(oldest);
    }
  }

  delete(key: string): void {
    const slot = this.slots.get(key);
    if (!slot) return;
    this.slots.delete(key);
    this.bytes -= slot.bytes;
    this.onRemove?.(key, slot.value);
  }

  clear(): void {
    for (const key of [...this.slots.keys()]) this.delete(key);
  }
}
