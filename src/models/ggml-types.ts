/** Block layout (elements per block, bytes per block) of the common ggml tensor types, by type id. */
const BLOCKS: Record<number, readonly [elements: number, bytes: number]> = {
  0: [1, 4], // F32
  1: [1, 2], // F16
  2: [32, 18], // Q4_0
  3: [32, 20], // Q4_1
  6: [32, 22], // Q5_0
  7: [32, 24], // Q5_1
  8: [32, 34], // Q8_0
  10: [256, 84], // Q2_K
  11: [256, 110], // Q3_K
  12: [256, 144], // Q4_K
  13: [256, 176], // Q5_K
  14: [256, 210], // Q6_K
  30: [1, 2], // BF16
};

/** Bytes a tensor occupies in the file, or undefined for a type this table does not know. */
export function tensorByteSize(type: number, dimensions: readonly number[]): number | undefined {
  const block = BLOCKS[type];
  if (!block) return undefined;
  const elements = dimensions.reduce((product, dimension) => product * dimension, 1);
  return Math.ceil(elements / block[0]) * block[1];
}
