/**
 * Each knowledge base's vectors packed into one Float32Array, loaded on first search and reloaded
 * when the base's revision moves (a write here or in another process sharing the database).
 * Search is a brute-force scan: exact, and fast enough for tens of thousands of chunks.
 */
import type { KnowledgeBase, KnowledgeStore } from "./knowledge-store.js";
import { fromBlob, topK } from "./vectors.js";

interface PackedBase {
  revision: number;
  dimensions: number;
  chunkIds: string[];
  documentIds: string[];
  seqs: number[];
  matrix: Float32Array;
}

export interface IndexHit {
  chunkId: string;
  documentId: string;
  seq: number;
  score: number;
}

const MAX_CACHED_BASES = 32;

export class VectorIndex {
  private readonly packed = new Map<string, Promise<PackedBase>>();

  constructor(private readonly store: KnowledgeStore) {}

  private async load(base: KnowledgeBase): Promise<PackedBase> {
    const rows = await this.store.vectors(base.id);
    const matrix = new Float32Array(rows.length * base.dimensions);
    rows.forEach((row, index) => matrix.set(fromBlob(row.embedding).subarray(0, base.dimensions), index * base.dimensions));
    return { revision: base.revision, dimensions: base.dimensions, chunkIds: rows.map((row) => row.id), documentIds: rows.map((row) => row.document_id), seqs: rows.map((row) => Number(row.seq)), matrix };
  }

  private async get(base: KnowledgeBase): Promise<PackedBase> {
    const cached = this.packed.get(base.id);
    if (cached) {
      const value = await cached.catch(() => undefined);
      if (value && value.revision === base.revision) {
        // Map order is insertion order: re-inserting marks it recently used.
        this.packed.delete(base.id);
        this.packed.set(base.id, cached);
        return value;
      }
    }
    const loading = this.load(base);
    this.packed.set(base.id, loading);
    while (this.packed.size > MAX_CACHED_BASES) this.packed.delete(this.packed.keys().next().value!);
    return loading;
  }

  async search(base: KnowledgeBase, query: Float32Array, k: number, minScore: number): Promise<IndexHit[]> {
    const packed = await this.get(base);
    return topK(packed.matrix, packed.dimensions, query, k, minScore).map(({ row, score }) => ({
      chunkId: packed.chunkIds[row]!,
      documentId: packed.documentIds[row]!,
      seq: packed.seqs[row]!,
      score: Math.round(score * 10_000) / 10_000,
    }));
  }

  forget(baseId: string): void {
    this.packed.delete(baseId);
  }
}
