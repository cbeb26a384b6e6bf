/**
 * The token counter thread, started by token-counter-worker.ts from this file (dist/ when built, the
 * TypeScript source through tsx in development and tests).
 *
 * It counts with o200k_base exactly as js-tiktoken does (and as `boundTokenizer` cuts long runs), but
 * keeps only what counting needs: one Map from a token's bytes (as a latin1 string) to its rank, built
 * by scanning the table in place. js-tiktoken's constructor also builds a decode table of 200,000
 * Uint8Arrays and comma-joined keys through a 200,000-property object, which left the thread at about
 * 170 MB resident; this one stays near a fifth of that. Special tokens in the text count as plain text.
 */
import { createRequire } from "node:module";
import { parentPort, workerData, type MessagePort } from "node:worker_threads";

/** What js-tiktoken's rank modules export. */
export interface RankTable {
  pat_str: string;
  bpe_ranks: string;
}

export interface CountRequest {
  id: number;
  texts: string[];
}

export interface CountReply {
  id: number;
  counts: number[];
}

/** Marks the worker's data, so that importing this module anywhere else starts nothing. */
export const TOKEN_COUNTER_ROLE = "switchyard-token-counter";

export interface TokenCounterData {
  role: typeof TOKEN_COUNTER_ROLE;
  /** The resolved path of js-tiktoken's o200k_base rank module. */
  ranksPath: string;
}

const MAX_RUN = 64;
const LONG_RUN = new RegExp(`\\S{${MAX_RUN + 1},}`, "gu");

/** Loads a rank module through require, then drops it from the cache: only the Map built here stays. */
function loadTable(ranksPath: string): RankTable {
  const require = createRequire(import.meta.url);
  const loaded = require(ranksPath) as RankTable | { default: RankTable };
  delete require.cache[ranksPath];
  return "default" in loaded ? loaded.default : loaded;
}

/** A counting function over one rank table. */
export function createCounter(table: RankTable): (text: string) => number {
  const ranks = new Map<string, number>();
  const text = table.bpe_ranks;
  let lineStart = 0;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf("\n", lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    // A line is "<prefix> <offset> <token> <token> ...": base64 byte strings ranked from offset on.
    const prefixEnd = text.indexOf(" ", lineStart);
    if (prefixEnd !== -1 && prefixEnd < lineEnd) {
      let offsetEnd = text.indexOf(" ", prefixEnd + 1);
      if (offsetEnd === -1 || offsetEnd > lineEnd) offsetEnd = lineEnd;
      let rank = Number.parseInt(text.slice(prefixEnd + 1, offsetEnd), 10);
      let start = offsetEnd + 1;
      while (start <= lineEnd && offsetEnd < lineEnd) {
        let end = text.indexOf(" ", start);
        if (end === -1 || end > lineEnd) end = lineEnd;
        ranks.set(Buffer.from(text.slice(start, end), "base64").toString("latin1"), rank++);
        start = end + 1;
      }
    }
    lineStart = lineEnd + 1;
  }
  const pattern = new RegExp(table.pat_str, "gu");

  /** Byte-pair merges, lowest rank first, counting the pieces left. */
  const countPiece = (bytes: string): number => {
    if (bytes.length === 1 || ranks.has(bytes)) return 1;
    const bounds: number[] = [];
    for (let index = 0; index <= bytes.length; index++) bounds.push(index);
    while (bounds.length > 2) {
      let best = -1;
      let bestRank = Infinity;
      for (let index = 0; index < bounds.length - 2; index++) {
        const rank = ranks.get(bytes.slice(bounds[index], bounds[index + 2]));
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          best = index;
        }
      }
      if (best === -1) break;
      bounds.splice(best + 1, 1);
    }
    let count = 0;
    for (let index = 0; index < bounds.length - 1; index++) if (ranks.has(bytes.slice(bounds[index], bounds[index + 1]))) count++;
    return count;
  };

  const countSpan = (span: string): number => {
    let total = 0;
    for (const match of span.matchAll(pattern)) total += countPiece(Buffer.from(match[0], "utf8").toString("latin1"));
    return total;
  };

  return (input: string): number => {
    if (input.length === 0) return 0;
    let total = 0;
    let last = 0;
    for (const match of input.matchAll(LONG_RUN)) {
      if (match.index > last) total += countSpan(input.slice(last, match.index));
      const points = Array.from(match[0]);
      for (let start = 0; start < points.length; start += MAX_RUN) total += countSpan(points.slice(start, start + MAX_RUN).join(""));
      last = match.index + match[0].length;
    }
    if (last < input.length) total += countSpan(input.slice(last));
    return total;
  };
}

function serve(port: MessagePort, data: TokenCounterData): void {
  const count = createCounter(loadTable(data.ranksPath));
  port.on("message", (message: CountRequest) => {
    port.postMessage({ id: message.id, counts: message.texts.map(count) } satisfies CountReply);
  });
}

const data = workerData as Partial<TokenCounterData> | null;
if (parentPort && data?.role === TOKEN_COUNTER_ROLE && typeof data.ranksPath === "string") {
  serve(parentPort, { role: TOKEN_COUNTER_ROLE, ranksPath: data.ranksPath });
}
