/** Embedding vectors as unit-length float32 blobs, and brute-force cosine top-k over a packed matrix. */

export function normalize(vector: readonly number[]): Float32Array {
  const out = Float32Array.from(vector);
  let sum = 0;
  for (const value of out) sum += value * value;
  const norm = Math.sqrt(sum) || 1;
  for (let index = 0; index < out.length; index++) out[index]! /= norm;
  return out;
}

export function toBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

/** Copies out of the driver's buffer: its byte offset need not be 4-aligned. */
export function fromBlob(blob: Uint8Array): Float32Array {
  const copy = new Uint8Array(blob.byteLength);
  copy.set(blob);
  return new Float32Array(copy.buffer);
}

export interface Scored {
  row: number;
  score: number;
}

/** Rows of `matrix` (row-major, `dimensions` wide, unit-length) by dot product with `query`, best `k` first. */
export function topK(matrix: Float32Array, dimensions: number, query: Float32Array, k: number, minScore: number): Scored[] {
  const rows = dimensions === 0 ? 0 : matrix.length / dimensions;
  const best: Scored[] = [];
  for (let row = 0; row < rows; row++) {
    let score = 0;
    const offset = row * dimensions;
    for (let index = 0; index < dimensions; index++) score += matrix[offset + index]! * query[index]!;
    if (score < minScore) continue;
    if (best.length < k) {
      best.push({ row, score });
      best.sort((a, b) => b.score - a.score);
    } else if (score > best[k - 1]!.score) {
      best[k - 1] = { row, score };
      best.sort((a, b) => b.score - a.score);
    }
  }
  return best;
}
