import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";

/** Segments open in this process (several gateways may share one process in tests and embeddings). */
const openHere = new Set<string>();

export interface SealedSegment<Row> {
  path: string;
  rows: Row[];
}

/**
 * An append-only file of rows (usage rows, request logs), one JSON line each. Rows are written with one synchronous
 * write(2) per batch before the responses' last bytes leave, so they survive SIGKILL of the process
 * (the kernel holds the page); a JournaledWriter later copies rows to the database in batches and deletes
 * the segment. Segments left by a killed process are replayed at start-up.
 */
export class RowJournal<Row> {
  private fd: number | undefined;
  private path: string | undefined;
  private rows: Row[] = [];
  private sequence = 0;

  /** @param prefix names the segment files (`<prefix>-<ms>-<pid>-<n>.jsonl`), so two journals never read each other's. */
  constructor(
    private readonly dir: string,
    private readonly prefix: string,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  append(rows: Row[]): void {
    if (rows.length === 0) return;
    if (this.fd === undefined) this.open();
    let text = "";
    for (const row of rows) text += `${JSON.stringify(row)}\n`;
    writeSync(this.fd!, text);
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
      const rows: Row[] = [];
      for (const line of readFileSync(path, "utf8").split("\n")) {
        if (line.length === 0) continue;
        try {
          rows.push(JSON.parse(line) as Row);
        } catch {
          // A line cut short by a crash mid-write belongs to a response that never completed.
        }
      }
      segments.push({ path, rows });
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
