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

/** Adds `weight` at hashed slot of `key` into the map (sign hashing reduces collision bias). */
function add(counts: Map<number, number>, key: string, seed: number, mask: number): void {
  const hash = hashString(key, seed);
  const slot = hash & mask;
  const sign = hash & 0x80000000 ? -1 : 1;
  counts.set(slot, (counts.get(slot) ?? 0) + sign);
}

/** Sublinear term frequency then L2 normalisation, scaled so each group contributes `scale` norm. */
function finish(counts: Map<number, number>, offset: number, scale: number, out: Array<[number, number]>): void {
  let norm = 0;
  const entries: Array<[number, number]> = [];
  for (const [slot, count] of counts) {
    if (count === 0) continue;
    const value = Math.sign(count) * (1 + Math.log(Math.abs(count)));
    entries.push([slot + offset, value]);
    norm += value * value;
  }
  const factor = norm > 0 ? scale / Math.sqrt(norm) : 0;
  for (const [slot, value] of entries) out.push([slot, value * factor]);
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

  const wordCounts = new Map<number, number>();
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    add(wordCounts, token, 0x9e3779b1, mask);
    if (index > 0) add(wordCounts, `${tokens[index - 1]!} ${token}`, 0x85ebca6b, mask);
  }

  const charCounts = new Map<number, number>();
  const normalised = ` ${tokens.join(" ")} `;
  for (const size of spec.charNgrams) {
    for (let start = 0; start + size <= normalised.length; start++) {
      add(charCounts, normalised.slice(start, start + size), 0xc2b2ae35 + size, mask);
    }
  }

  const pairs: Array<[number, number]> = [];
  finish(wordCounts, 0, 1, pairs);
  finish(charCounts, mask + 1, 1, pairs);
  pairs.sort((left, right) => left[0] - right[0]);
  return {
    sparse: {
      indices: Uint32Array.from(pairs, (pair) => pair[0]),
      values: Float32Array.from(pairs, (pair) => pair[1]),
    },
    dense: denseFeatures(text, turns),
  };
}

export function sparseWidth(spec: FeatureSpec): number {
  return 2 << spec.hashBits;
}
