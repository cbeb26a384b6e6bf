/**
 * The token counter thread, as CommonJS source with the rank table's absolute path (so it runs the
 * same from TypeScript sources, the built package and tests).
 *
 * It counts with o200k_base exactly as js-tiktoken does (and as `boundTokenizer` cuts long runs), but
 * keeps only what counting needs: one Map from a token's bytes (as a latin1 string) to its rank, built
 * by scanning the table in place. js-tiktoken's constructor also builds a decode table of 200,000
 * Uint8Arrays and comma-joined keys through a 200,000-property object, which left the thread at about
 * 170 MB resident; this one stays near a fifth of that. Special tokens in the text count as plain text.
 */
export function tokenCounterSource(ranksPath: string): string {
  return `
const { parentPort } = require("node:worker_threads");
const RANKS = ${JSON.stringify(ranksPath)};
const MAX_RUN = 64;
const LONG_RUN = new RegExp("\\\\S{" + (MAX_RUN + 1) + ",}", "gu");

function loadTable() {
  const module = require(RANKS);
  const table = module.default ?? module;
  delete require.cache[RANKS];
  const text = table.bpe_ranks;
  const ranks = new Map();
  let lineStart = 0;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf("\\n", lineStart);
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
  return { ranks, pattern: new RegExp(table.pat_str, "gu") };
}

const { ranks, pattern } = loadTable();

function countPiece(bytes) {
  if (bytes.length === 1 || ranks.has(bytes)) return 1;
  const bounds = [];
  for (let i = 0; i <= bytes.length; i++) bounds.push(i);
  while (bounds.length > 2) {
    let best = -1;
    let bestRank = Infinity;
    for (let i = 0; i < bounds.length - 2; i++) {
      const rank = ranks.get(bytes.slice(bounds[i], bounds[i + 2]));
      if (rank !== undefined && rank < bestRank) {
        bestRank = rank;
        best = i;
      }
    }
    if (best === -1) break;
    bounds.splice(best + 1, 1);
  }
  let count = 0;
  for (let i = 0; i < bounds.length - 1; i++) if (ranks.has(bytes.slice(bounds[i], bounds[i + 1]))) count++;
  return count;
}

function countSpan(text) {
  let total = 0;
  for (const match of text.matchAll(pattern)) total += countPiece(Buffer.from(match[0], "utf8").toString("latin1"));
  return total;
}

function count(text) {
  if (text.length === 0) return 0;
  let total = 0;
  let last = 0;
  for (const match of text.matchAll(LONG_RUN)) {
    if (match.index > last) total += countSpan(text.slice(last, match.index));
    const points = Array.from(match[0]);
    for (let start = 0; start < points.length; start += MAX_RUN) total += countSpan(points.slice(start, start + MAX_RUN).join(""));
    last = match.index + match[0].length;
  }
  if (last < text.length) total += countSpan(text.slice(last));
  return total;
}

parentPort.on("message", (message) => {
  parentPort.postMessage({ id: message.id, counts: message.texts.map(count) });
});
`;
}
