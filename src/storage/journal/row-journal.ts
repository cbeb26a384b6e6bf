import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { COLUMNS_KEY, type ArrayLines } from "./json-line.js";

/** Segments open in this process (several gateways may share one process in tests and embeddings). */
const openHere = new Set<string>();

export interface SealedSegment<Row> {
  path: string;
  rows: Row[];
}

/**
 * An append-only file of rows (usage rows, request logs), one JSON line each: the row as an object, or
 * with `lines` the row's column values as an array after a first line naming the columns (a segment
 * is read back by the names it was written with). Rows are written with one synchronous
 * write(2) per batch before the responses' last bytes leave, so they survive SIGKILL of the process
 * (the kernel holds the page); a JournaledWriter later copies rows to the database in batches and deletes
 * the segment. Segments left by a killed process are replayed at start-up.
 */
export class RowJournal<Row> {
  private fd: number | undefined;
  private path: string | undefined;
  private rows: Row[] = [];
  private sequence = 0;

  /**
   * @param prefix names the segment files (`<prefix>-<ms>-<pid>-<n>.jsonl`), so two journals never read each other's.
   * @param lines writes rows as arrays of their columns' values (cheaper to write than objects).
   */
  constructor(
    private readonly dir: string,
    private readonly prefix: string,
    private readonly lines?: ArrayLines<Row>,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  append(rows: Row[]): void {
    if (rows.length === 0) return;
    const fresh = this.fd === undefined;
    if (fresh) this.open();
    if (this.lines) {
      const body = this.lines.encode(rows);
      // A new segment's header goes out in the same write as its first rows.
      writeAll(this.fd!, fresh ? Buffer.concat([this.lines.header, body]) : body);
    } else {
      let text = "";
      for (const row of rows) text += `${JSON.stringify(row)}\n`;
      writeSync(this.fd!, text);
    }
    for (const row of rows) this.rows.push(row);
  }

  get pending(): number {
    return this.rows.length;
  }

  /** Closes the current segment and hands over its rows; the next append starts a new one. */
  seal(): SealedSegment<Row> | undefined {
    if (this.fd === undefined) return undefined;
    closeSync(this.fd);
    openHere.delete(this.path!);
    const sealed = { path: this.path!, rows: this.rows };
    this.fd = undefined;
    this.path = undefined;
    this.rows = [];
    return sealed;
  }

  /** Segments on disk other than the open one: what a previous process left behind. */
  leftovers(): SealedSegment<Row>[] {
    const segments: SealedSegment<Row>[] = [];
    for (const name of readdirSync(this.dir).sort()) {
      if (!name.startsWith(`${this.prefix}-`) || !name.endsWith(".jsonl")) continue;
      const path = join(this.dir, name);
      if (openHere.has(path) || ownedByLiveProcess(name)) continue;
      segments.push({ path, rows: readRows<Row>(readFileSync(path, "utf8")) });
    }
    return segments;
  }

  static remove(segment: { path: string }): void {
    try {
      unlinkSync(segment.path);
    } catch {
      // Already gone: another start-up replayed it.
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    if (this.path !== undefined) openHere.delete(this.path);
    this.fd = undefined;
  }

  private open(): void {
    this.path = join(this.dir, `${this.prefix}-${Date.now()}-${process.pid}-${++this.sequence}.jsonl`);
    this.fd = openSync(this.path, "a");
    openHere.add(this.path);
  }
}

/** Bytes written whole (a regular file takes them in one write(2); a short write is continued). */
function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

/** A segment's rows: object lines as they are, array lines by the columns its header line names. */
export function readRows<Row>(text: string): Row[] {
  const rows: Row[] = [];
  let columns: string[] | undefined;
  for (const line of text.split("\n")) {
    if (line.length === 0) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      // A line cut short by a crash mid-write belongs to a response that never completed.
      continue;
    }
    if (Array.isArray(parsed)) {
      // Without its header (never written so) an array line cannot be read.
      if (columns === undefined) continue;
      const row: Record<string, unknown> = {};
      for (let index = 0; index < columns.length && index < parsed.length; index++) row[columns[index]!] = parsed[index];
      rows.push(row as Row);
    } else if (typeof parsed === "object" && parsed !== null && Array.isArray((parsed as Record<string, unknown>)[COLUMNS_KEY])) {
      columns = (parsed as Record<string, string[]>)[COLUMNS_KEY];
    } else {
      rows.push(parsed as Row);
    }
  }
  return rows;
}

/**
 * A segment named with another running process's pid belongs to a gateway sharing this data dir;
 * only segments of dead processes (or of an earlier process with our own pid, as in containers) are replayed.
 */
function ownedByLiveProcess(name: string): boolean {
  const pid = Number(/^[a-z-]+-\d+-(\d+)-\d+\.jsonl$/.exec(name)?.[1]);
  if (!Number.isInteger(pid) || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
