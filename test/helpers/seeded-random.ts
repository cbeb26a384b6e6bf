/**
 * A seeded source of numbers in [0, 1) (Park-Miller minimal standard), for every random draw a test
 * depends on: the same seed gives the same draws on every run and machine.
 */
export function seededRandom(seed: number): () => number {
  let state = seed % 2147483647 || 1;
  return () => (state = (state * 16807) % 2147483647) / 2147483647;
}

/** `length` bytes from a seeded source (noise that is the same on every run). */
export function seededBytes(length: number, seed: number): Buffer {
  const random = seededRandom(seed);
  return Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
}
