/**
 * Token estimate for dataset statistics and cost: ~4 UTF-8 bytes a token, the usual figure for
 * BPE vocabularies on English text. The base model's own tokenizer is not at hand at upload time
 * (a file may later train several models), so the report labels these figures as estimates.
 */
export function countTokens(text: string): number {
  return Math.max(1, Math.ceil(Buffer.byteLength(text) / 4));
}
