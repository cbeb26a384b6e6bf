import type { CachedResponse } from "./store.js";

/** The best stored answer for a vector, and how close it was. */
export interface SemanticMatch {
  value: CachedResponse;
  similarity: number;
}

/** Vectors with their answers, grouped in exact partitions; lookups scan one partition. */
export interface SemanticStore {
  readonly kind: "memory" | "redis";
  /** The closest live entry in the partition with similarity >= threshold. `vector` is unit length. */
  search(partition: string, vector: Float32Array, threshold: number): Promise<SemanticMatch | undefined>;
  /** Stores (or replaces) entry `id`; `vector` is unit length. */
  add(partition: string, id: string, vector: Float32Array, value: CachedResponse, ttlMs: number): Promise<void>;
  close(): Promise<void>;
}

/** A copy scaled to unit length, so a dot product is the cosine similarity. */
export function unitVector(vector: readonly number[]): Float32Array {
  const out = Float32Array.from(vector);
  let sum = 0;
  for (const value of out) sum += value * value;
  const norm = Math.sqrt(sum);
  if (norm === 0 || !Number.isFinite(norm)) return new Float32Array(0);
  for (let index = 0; index < out.length; index++) out[index]! /= norm;
  return out;
}

/** Cosine of two unit vectors; vectors of different widths (another model, other dimensions) never match. */
export function similarity(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length || a.length === 0) return -1;
  let dot = 0;
  for (let index = 0; index < a.length; index++) dot += a[index]! * b[index]!;
  return dot;
}
