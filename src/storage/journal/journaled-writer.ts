import type { Logger } from "../../observability/logger.js";
import type { ArrayLines } from "./json-line.js";
import { RowJournal, type SealedSegment } from "./row-journal.js";

interface Batch<Row> {
  rows: Row[];
  done: Promise<void>;
  written: boolean;
  resolve(): void;
  reject(error: unknown): void;
}

function newBatch<Row>(): Batch<Row> {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const done = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { rows: [], done, written: false, resolve, reject };
}

export interface JournaledWriterOptions<Row> {
  journalDir: string;
  /** Names the journal's segment files. */
  prefix: string;
  flushMs: number;
  batchSize: number;
  logger: Logger;
  /** What the rows are, for log lines. */
  label: string;
  /** Journals rows as arrays of their columns' values instead of objects (see RowJournal). */
  lines?: ArrayLines<Row>;
  /** Writes one batch; must ignore rows already written (a replay after a crash repeats some). */
  insert(rows: Row[]): Promise<void>;
}

/**
 * A write path off the request path (usage rows, request logs): `record` queues a row and resolves once it is in the journal; rows recorded
 * in the same turn of the event loop share one synchronous file append (under load many responses
 * end per turn, and one write(2) per row was the largest cost of metering). A timer copies rows to
 * the database in batches (insert-or-ignore by id, so a replay never duplicates).
 */
export class JournaledWriter<Row> {
  private readonly journal: RowJournal<Row>;
  private readonly waiting: SealedSegment<Row>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;
  /** Rows recorded this turn, journaled together when the turn's I/O callbacks are done. */
  private batch: Batch<Row> | undefined;
  /** Rows written to the database by this process (for tests and metrics). */
  written = 0;

  constructor(private readonly options: JournaledWriterOptions<Row>) {
    this.journal = new RowJournal<Row>(options.journalDir, options.prefix, options.lines);
  }

  /** Replays what a previous process left, then starts the flush timer. */
  async start(): Promise<number> {
    const leftovers = this.journal.leftovers();
    this.waiting.push(...leftovers);
    await this.flush();
    this.timer = setInterval(() => void this.flush(), this.options.flushMs);
    this.timer.unref();
    return leftovers.reduce((sum, segment) => sum + segment.rows.length, 0);
  }

  /** Resolves when the row is journaled (durable across a crash); the caller awaits it before ending its response. */
  record(row: Row): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (!this.batch) {
      const batch = newBatch<Row>();
      this.batch = batch;
      setImmediate(() => {
        this.journalBatch(batch);
        if (this.journal.pending >= this.options.batchSize) void this.flush();
      });
    }
    this.batch.rows.push(row);
    return this.batch.done;
  }

  private journalBatch(batch: Batch<Row>): void {
    if (this.batch === batch) this.batch = undefined;
    if (batch.written) return;
    batch.written = true;
    try {
      this.journal.append(batch.rows);
      batch.resolve();
    } catch (error) {
      batch.reject(error);
    }
  }

  /** Writes everything recorded so far; concurrent calls queue behind each other. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushNow());
    return this.flushing;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
    this.closed = true;
    this.journal.close();
  }

  private async flushNow(): Promise<void> {
    // Rows whose turn has not ended yet go with this flush (a clean shutdown loses none).
    if (this.batch) this.journalBatch(this.batch);
    const sealed = this.journal.seal();
    if (sealed) this.waiting.push(sealed);
    while (this.waiting.length > 0) {
      const segment = this.waiting[0]!;
      try {
        for (let start = 0; start < segment.rows.length; start += this.options.batchSize) {
          await this.insert(segment.rows.slice(start, start + this.options.batchSize));
        }
      } catch (error) {
        // The segment stays on disk and in the queue; the next tick retries it.
        this.options.logger.warn({ err: error, rows: segment.rows.length }, `${this.options.label} not yet written; will retry`);
        return;
      }
      RowJournal.remove(segment);
      this.waiting.shift();
    }
  }

  private async insert(rows: Row[]): Promise<void> {
    if (rows.length === 0) return;
    await this.options.insert(rows);
    this.written += rows.length;
  }
}
