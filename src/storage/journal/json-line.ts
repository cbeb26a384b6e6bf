const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The first line of a segment whose rows are written as arrays: `{"$columns":[...]}` names the
 * columns of the values in every later line, so a segment is read back by the columns it was
 * written with, whatever the columns of the process replaying it.
 */
export const COLUMNS_KEY = "$columns";

/** Copies a string into `out` at `at` as a JSON string if it is printable ASCII with nothing to escape; returns the end, or -1 (then what it wrote is to be overwritten). */
function plainString(out: Uint8Array, at: number, value: string): number {
  let position = at;
  out[position++] = QUOTE;
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || code > 0x7e || code === QUOTE || code === BACKSLASH) return -1;
    out[position++] = code;
  }
  out[position++] = QUOTE;
  return position;
}

/** Writes a safe integer's digits into `out` at `at`; returns the end. */
function integer(out: Uint8Array, at: number, value: number): number {
  let position = at;
  let rest = value;
  if (rest < 0) {
    out[position++] = 0x2d;
    rest = -rest;
  }
  let digits = 1;
  for (let scale = 10; scale <= rest; scale *= 10) digits++;
  position += digits;
  for (let index = 1; index <= digits; index++) {
    out[position - index] = 0x30 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  return position;
}

/** What JSON.stringify writes for a value in an array, for values the copying paths above do not take. */
function generalJson(value: unknown): string {
  const kind = typeof value;
  if (kind === "undefined" || kind === "function" || kind === "symbol") return "null";
  if (kind === "number") return Number.isFinite(value) ? String(value) : "null";
  return (JSON.stringify(value) as string | undefined) ?? "null";
}

export interface ArrayLines<Row> {
  /** The segment's first line (with its newline), naming the columns. */
  header: Uint8Array;
  /** The rows as lines of their column values; a view of a reused buffer, valid until the next call. */
  encode(rows: readonly Row[]): Uint8Array;
}

/**
 * Writes rows of known columns as JSON arrays of their values, one line each, straight into bytes (a
 * journal's append). Each line is byte for byte `JSON.stringify(columns.map((column) => row[column]))`
 * and a newline in UTF-8. Against `JSON.stringify(row)` it leaves out the column names (more than half
 * of a usage row's bytes) and JSON.stringify's walk of each object, the string it builds and that
 * string's conversion to bytes for write(2): printable ASCII strings, safe integers and null are copied
 * into one reused buffer. Anything else (strings to escape or beyond ASCII, fractions, objects) is
 * written by JSON.stringify itself.
 */
export function jsonArrayLines<Row extends object>(columns: ReadonlyArray<keyof Row & string>): ArrayLines<Row> {
  const header = Buffer.from(`${JSON.stringify({ [COLUMNS_KEY]: columns })}\n`);
  let buffer = Buffer.allocUnsafe(64 * 1024);

  /** The buffer with room for `bytes` more after `at` (grown, keeping what is written, when it has not). */
  const room = (at: number, bytes: number): Buffer => {
    if (at + bytes > buffer.length) {
      const larger = Buffer.allocUnsafe(Math.max(buffer.length * 2, at + bytes));
      buffer.copy(larger, 0, 0, at);
      buffer = larger;
    }
    return buffer;
  };

  const writeValue = (value: unknown, start: number): number => {
    let at = start;
    if (typeof value === "string") {
      const end = plainString(room(at, value.length + 3), at, value);
      if (end >= 0) return end;
      const escaped = JSON.stringify(value);
      return at + room(at, escaped.length * 3).write(escaped, at, "utf8");
    }
    if (typeof value === "number" && Number.isSafeInteger(value)) return integer(room(at, 17), at, value);
    if (value === null) {
      const out = room(at, 4);
      out[at++] = 0x6e;
      out[at++] = 0x75;
      out[at++] = 0x6c;
      out[at++] = 0x6c;
      return at;
    }
    const text = generalJson(value);
    return at + room(at, text.length * 3).write(text, at, "utf8");
  };

  /** Values by column index: for a row whose keys are not the columns in order. */
  const writeByColumn = (record: Record<string, unknown>, start: number): number => {
    let at = start;
    for (let column = 0; column < columns.length; column++) {
      room(at, 1)[at++] = column === 0 ? 0x5b : 0x2c;
      at = writeValue(record[columns[column]!], at);
    }
    return at;
  };

  const writeRow = (record: Record<string, unknown>, start: number): number => {
    let at = start;
    let column = 0;
    // for-in reads a plain object's values in its shape's order, where record[columns[i]] is a keyed
    // load seeing a different key each time; a row whose keys are not exactly the columns in order
    // is written again by column.
    for (const key in record) {
      if (key !== columns[column]) return writeByColumn(record, start);
      room(at, 1)[at++] = column === 0 ? 0x5b : 0x2c;
      at = writeValue(record[key], at);
      column++;
    }
    if (column !== columns.length) return writeByColumn(record, start);
    return at;
  };

  return {
    header,
    encode(rows) {
      let at = 0;
      for (const row of rows) {
        at = writeRow(row as Record<string, unknown>, at);
        const out = room(at, 2);
        if (columns.length === 0) out[at++] = 0x5b;
        out[at++] = 0x5d;
        out[at++] = 0x0a;
      }
      return buffer.subarray(0, at);
    },
  };
}
