/**
 * Splits a document into overlapping, token-bounded chunks along its own structure: paragraphs
 * first, then sentences, and only a run-on sentence is cut by tokens. Consecutive chunks share
 * whole trailing units (about `overlapTokens`), so a fact that straddles a boundary is whole in one.
 */
import type { Tiktoken } from "js-tiktoken/lite";

export interface ChunkOptions {
  maxTokens: number;
  overlapTokens: number;
}

export interface Chunk {
  text: string;
  tokens: number;
}

interface Unit {
  text: string;
  tokens: number;
  /** Joined to the previous unit with a blank line (a paragraph break) rather than a space. */
  paragraphStart: boolean;
}

const SENTENCE_END = /(?<=[.!?。！？])\s+(?=\S)/u;

function splitByTokens(text: string, tokenizer: Tiktoken, maxTokens: number): string[] {
  const tokens = tokenizer.encode(text);
  const pieces: string[] = [];
  for (let start = 0; start < tokens.length; start += maxTokens) pieces.push(tokenizer.decode(tokens.slice(start, start + maxTokens)));
  return pieces;
}

function toUnits(text: string, tokenizer: Tiktoken, maxTokens: number): Unit[] {
  const units: Unit[] = [];
  const count = (value: string) => tokenizer.encode(value).length;
  for (const paragraph of text.replace(/\r\n?/g, "\n").split(/\n\s*\n/)) {
    const trimmed = paragraph.trim();
    if (trimmed.length === 0) continue;
    const tokens = count(trimmed);
    if (tokens <= maxTokens) {
      units.push({ text: trimmed, tokens, paragraphStart: true });
      continue;
    }
    let first = true;
    for (const sentence of trimmed.split(SENTENCE_END)) {
      const pieces = count(sentence) <= maxTokens ? [sentence] : splitByTokens(sentence, tokenizer, maxTokens);
      for (const piece of pieces) {
        units.push({ text: piece, tokens: count(piece), paragraphStart: first });
        first = false;
      }
    }
  }
  return units;
}

function join(units: Unit[]): string {
  return units.map((unit, index) => (index === 0 ? unit.text : `${unit.paragraphStart ? "\n\n" : " "}${unit.text}`)).join("");
}

export function chunkText(text: string, tokenizer: Tiktoken, options: ChunkOptions): Chunk[] {
  const units = toUnits(text, tokenizer, options.maxTokens);
  const chunks: Chunk[] = [];
  let current: Unit[] = [];
  let size = 0;
  const flush = () => {
    const body = join(current);
    chunks.push({ text: body, tokens: tokenizer.encode(body).length });
  };
  for (const unit of units) {
    if (current.length > 0 && size + unit.tokens > options.maxTokens) {
      flush();
      // Carry whole trailing units forward as the overlap, never so many that the new unit no longer fits.
      const carried: Unit[] = [];
      let carriedTokens = 0;
      for (let index = current.length - 1; index >= 0; index--) {
        const candidate = current[index]!;
        if (carriedTokens + candidate.tokens > options.overlapTokens || carriedTokens + candidate.tokens + unit.tokens > options.maxTokens) break;
        carried.unshift(candidate);
        carriedTokens += candidate.tokens;
      }
      current = carried;
      size = carriedTokens;
    }
    current.push(unit);
    size += unit.tokens;
  }
  if (current.length > 0) flush();
  return chunks;
}
