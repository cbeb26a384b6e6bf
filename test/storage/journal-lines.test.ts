import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { USAGE_COLUMNS } from "../../src/control/usage/usage-ledger.js";
import type { UsageRow } from "../../src/control/usage/usage-record.js";
import { jsonArrayLines } from "../../src/storage/journal/json-line.js";
import { readRows, RowJournal } from "../../src/storage/journal/row-journal.js";
import { seededRandom } from "../helpers/seeded-random.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Values a column may hold, and the awkward ones: escapes, non-ASCII, lone surrogates, fractions, huge and non-finite numbers. */
function value(random: () => number): unknown {
  const strings = ["", "plain", 'quote " and \\ backslash', "tab\tnew\nline\u0001", "caf\u00e9 \u6f22\u5b57 \ud83d\ude00", "lone \ud800 surrogate", "~\u007f", "usg_0Q3f8pXaabcdefghijkl"];
  const numbers = [0, -0, 1, -17, 1_764_792_000_123, 0.0000123, 1.5e-7, 2 ** 53, -(2 ** 60), 1e21, Number.NaN, Number.POSITIVE_INFINITY, 123.456];
  const pick = random();
  if (pick < 0.4) return strings[Math.floor(random() * strings.length)];
  if (pick < 0.75) return numbers[Math.floor(random() * numbers.length)];
  if (pick < 0.85) return null;
  if (pick < 0.9) return random() < 0.5;
  if (pick < 0.95) return { decision: "auto", score: random() };
  return undefined;
}

function randomRow(random: () => number): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const column of USAGE_COLUMNS) row[column] = value(random);
  return row;
}

describe("journal lines of column values", () => {
  it("writes each row byte for byte as JSON.stringify writes its values in column order", () => {
    const random = seededRandom(17);
    const lines = jsonArrayLines<UsageRow>(USAGE_COLUMNS);
    for (let batch = 0; batch < 200; batch++) {
      const rows = Array.from({ length: 1 + Math.floor(random() * 20) }, () => randomRow(random));
      // Some rows with their keys out of order, missing or extra: still written by column.
      if (batch % 7 === 0) rows.push({ extra: 1, ...Object.fromEntries([...USAGE_COLUMNS].reverse().map((column) => [column, value(random)])) });
      if (batch % 11 === 0) rows.push({ id: "only-an-id" });
      const expected = rows.map((row) => `${JSON.stringify(USAGE_COLUMNS.map((column) => row[column]))}\n`).join("");
      expect(Buffer.from(lines.encode(rows as UsageRow[])).toString("utf8")).toBe(expected);
    }
  });

  it("grows its buffer for rows larger than it", () => {
    const lines = jsonArrayLines<UsageRow>(USAGE_COLUMNS);
    const long = "x".repeat(200_000);
    const row: Record<string, unknown> = { ...randomRow(seededRandom(3)), router_decision: long, model: "\u6f22".repeat(50_000) };
    expect(Buffer.from(lines.encode([row as UsageRow])).toString("utf8")).toBe(`${JSON.stringify(USAGE_COLUMNS.map((column) => row[column]))}\n`);
  });

  it("replays a segment to the rows written, with undefined read back as null", () => {
    const dir = mkdtempSync(join(tmpdir(), "swy-journal-lines-"));
    dirs.push(dir);
    const random = seededRandom(99);
    const journal = new RowJournal<UsageRow>(dir, "usage", jsonArrayLines<UsageRow>(USAGE_COLUMNS));
    const written: Array<Record<string, unknown>> = [];
    for (let batch = 0; batch < 30; batch++) {
      const rows = Array.from({ length: 1 + Math.floor(random() * 5) }, () => randomRow(random));
      journal.append(rows as UsageRow[]);
      written.push(...rows);
    }
    const sealed = journal.seal()!;
    const text = readFileSync(sealed.path, "utf8");
    expect(text.startsWith('{"$columns":["id","request_id",')).toBe(true);
    // What JSON.stringify of each row and JSON.parse make of it, with undefined as null.
    const expected = written.map((row) => Object.fromEntries(USAGE_COLUMNS.map((column) => [column, (JSON.parse(JSON.stringify([row[column]])) as unknown[])[0]])));
    expect(readRows(text)).toEqual(expected);
    journal.close();
  });

  it("replays segments of object lines (written before) and skips a line cut short", () => {
    const dir = mkdtempSync(join(tmpdir(), "swy-journal-lines-"));
    dirs.push(dir);
    const old = [{ id: "usg_a", cost_usd: 0.5 }, { id: "usg_b", cost_usd: 1 }];
    writeFileSync(join(dir, "usage-1-999999999-1.jsonl"), `${old.map((row) => JSON.stringify(row)).join("\n")}\n{"id":"usg_c","co`);
    writeFileSync(join(dir, "usage-2-999999999-1.jsonl"), `{"$columns":["id","cost_usd"]}\n["usg_d",2]\n["usg_e"]\n["usg_f",3`);
    const journal = new RowJournal<Record<string, unknown>>(dir, "usage");
    const segments = journal.leftovers();
    expect(segments.map((segment) => segment.rows)).toEqual([old, [{ id: "usg_d", cost_usd: 2 }, { id: "usg_e" }]]);
    expect(readdirSync(dir)).toHaveLength(2);
  });
});
