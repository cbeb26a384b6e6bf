import { hashString } from "./hash.js";

/**
 * Features computed from a prompt's own text, with no external service: hashed word uni/bigrams,
 * hashed character n-grams, and a few dense counts (length, numbers, code and math markers).
 * Numbers are reduced to their digit count so that the model learns "a 4-digit number" rather
 * than a particular value, which is what carries over to prompts it has not seen.
 */

export interface FeatureSpec {
  /** log2 of the hashed feature space per group. */
  hashBits: number;
  /** Character n-gram sizes. */
  charNgrams: number[];
  /** Texts longer than this are cut (head and tail kept) so a decision stays well under a millisecond. */
  maxChars: number;
}

export const defaultFeatureSpec: FeatureSpec = { hashBits: 16, charNgrams: [3, 4, 5], maxChars: 6000 };

export const denseFeatureNames = [
  "log_chars",
  "log_words",
  "log_sentences",
  "log_lines",
  "log_numbers",
  "log_distinct_numbers",
  "digit_fraction",
  "decimal_or_fraction_count",
  "percent_or_currency_count",
  "math_operator_density",
  "code_marker",
  "code_symbol_density",
  "question_marks",
  "mean_word_length",
  "uppercase_fraction",
  "log_turns",
] as const;

export interface SparseVector {
  indices: Uint32Array;
  values: Float32Array;
}

export interface Features {
  sparse: SparseVector;
  dense: Float64Array;
}

const TOKEN = /[a-z]+|\d+(?:[.,]\d+)*|[^\s\w]/g;

function clip(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const head = Math.floor(maxChars * 0.75);
  return `${text.slice(0, head)} ${text.slice(text.length - (maxChars - head))}`;
}

function numberToken(token: string): string {
  const digits = token.replace(/\D/g, "").length;
  return `<num${Math.min(digits, 8)}${/[.,]/.test(token) ? "d" : ""}>`;
}

/**
 * Counts per hashed slot, kept in a reusable scratch array (decisions are synchronous, so one
 * scratch per process is safe) with a list of touched slots: no Map, no sort on the hot path.
 */
class SlotCounter {
  private counts = new Float64Array(0);
  private readonly touched: number[] = [];

  reset(width: number): void {
    if (this.counts.length !== width) this.counts = new Float64Array(width);
    for (const slot of this.touched) this.counts[slot] = 0;
    this.touched.length = 0;
  }

  /** Sign hashing: the top bit picks +1/-1, which keeps collisions from biasing a slot. */
  add(hash: number, offset: number, mask: number): void {
    const slot = offset + (hash & mask);
    if (this.counts[slot] === 0) this.touched.push(slot);
    this.counts[slot]! += hash & 0x80000000 ? -1 : 1;
  }

  /** Sublinear term frequency, then L2 normalisation per group so each group has unit norm. */
  emit(from: number, out: { indices: number[]; values: number[] }): void {
    let norm = 0;
    const start = out.indices.length;
    for (let position = from; position < this.touched.length; position++) {
      const slot = this.touched[position]!;
      const count = this.counts[slot]!;
      if (count === 0) continue;
      const value = Math.sign(count) * (1 + Math.log(Math.abs(count)));
      out.indices.push(slot);
      out.values.push(value);
      norm += value * value;
    }
    const factor = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let position = start; position < out.values.length; position++) out.values[position]! *= factor;
  }

  get size(): number {
    return this.touched.length;
  }
}

const scratch = new SlotCounter();

/** Murmur3's finaliser: spreads the bits of an FNV prefix hash that was extended char by char. */
function mix(hash: number, salt: number): number {
  let value = (hash ^ salt) >>> 0;
  value = Math.imul(value ^ (value >>> 16), 0x85ebca6b);
  value = Math.imul(value ^ (value >>> 13), 0xc2b2ae35);
  return (value ^ (value >>> 16)) >>> 0;
}

export function denseFeatures(text: string, turns: number): Float64Array {
  const chars = text.length;
  const words = text.match(/\S+/g)?.length ?? 0;
  const sentences = text.match(/[.!?](\s|$)/g)?.length ?? 0;
  const lines = text.split("\n").length;
  const numbers = text.match(/\d+(?:[.,]\d+)*/g) ?? [];
  const digits = text.match(/\d/g)?.length ?? 0;
  const decimals = text.match(/\d[.,/]\d/g)?.length ?? 0;
  const percentOrCurrency = text.match(/[%$€£¥]/g)?.length ?? 0;
  const mathOperators = text.match(/[=+*^×÷<>√∑∫]|\\frac|\\sqrt/g)?.length ?? 0;
  const codeMarker = /```|\bdef |\bfunction\b|\bclass |#include|\bimport |=>|\bSELECT\b/.test(text) ? 1 : 0;
  const codeSymbols = text.match(/[{}();[\]]/g)?.length ?? 0;
  const questions = text.match(/\?/g)?.length ?? 0;
  const letters = text.match(/[A-Za-z]/g)?.length ?? 0;
  const upper = text.match(/[A-Z]/g)?.length ?? 0;
  const safeChars = Math.max(chars, 1);
  return Float64Array.from([
    Math.log1p(chars),
    Math.log1p(words),
    Math.log1p(sentences),
    Math.log1p(lines),
    Math.log1p(numbers.length),
    Math.log1p(new Set(numbers).size),
    digits / safeChars,
    Math.log1p(decimals),
    Math.log1p(percentOrCurrency),
    (100 * mathOperators) / safeChars,
    codeMarker,
    (100 * codeSymbols) / safeChars,
    Math.log1p(questions),
    words > 0 ? letters / words : 0,
    letters > 0 ? upper / letters : 0,
    Math.log1p(turns),
  ]);
}

/** The sparse part lives in two groups (words, characters), each `2^hashBits` wide. */
export function featurize(rawText: string, spec: FeatureSpec = defaultFeatureSpec, turns = 1): Features {
  const text = clip(rawText, spec.maxChars);
  const lower = text.toLowerCase();
  const mask = (1 << spec.hashBits) - 1;
  const tokens = (lower.match(TOKEN) ?? []).map((token) => (token.charCodeAt(0) >= 48 && token.charCodeAt(0) <= 57 ? numberToken(token) : token));
  const out = { indices: [] as number[], values: [] as number[] };
  scratch.reset(2 << spec.hashBits);

  let previous = 0;
  for (let index = 0; index < tokens.length; index++) {
    const hash = hashString(tokens[index]!);
    scratch.add(mix(hash, 0x9e3779b1), 0, mask);
    if (index > 0) scratch.add(mix(hashString(tokens[index]!, previous), 0x85ebca6b), 0, mask);
    previous = hash;
  }
  scratch.emit(0, out);

  // Character n-grams over the normalised token stream; one FNV pass per start position yields every size.
  const characters = scratch.size;
  const normalised = ` ${tokens.join(" ")} `;
  const longest = Math.max(...spec.charNgrams);
  const sizes = new Set(spec.charNgrams);
  for (let start = 0; start < normalised.length; start++) {
    let hash = 0x811c9dc5;
    const stop = Math.min(normalised.length, start + longest);
    for (let end = start; end < stop; end++) {
      hash = Math.imul(hash ^ normalised.charCodeAt(end), 0x01000193);
      const size = end - start + 1;
      if (sizes.has(size)) scratch.add(mix(hash >>> 0, 0xc2b2ae35 + size), mask + 1, mask);
    }
  }
  scratch.emit(characters, out);
  return {
    sparse: { indices: Uint32Array.from(out.indices), values: Float32Array.from(out.values) },
    dense: denseFeatures(text, turns),
  };
}

export function sparseWidth(spec: FeatureSpec): number {
  return 2 << spec.hashBits;
}
