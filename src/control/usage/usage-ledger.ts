import type { Kysely } from "kysely";
import type { Database } from "../../storage/database.js";
import type { Logger } from "../../observability/logger.js";
import { UsageJournal, type SealedSegment } from "./usage-journal.js";
import type { UsageRow } from "./usage-record.js";

interface Batch {
  rows: UsageRow[];
  done: Promise<void>;
  written: boolean;
  resolve(): void;
  reject(error: unknown): void;
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const done = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { rows: [], done, written: false, resolve, reject };
}

export interface UsageLedgerOptions {
  db: Kysely<Database>;
  journalDir: string;
  flushMs: number;
  batchSize: number;
  logger: Logger;
}

/**
 * The usage write path: `record` queues a row and resolves once it is in the journal; rows recorded
 * in the same turn of the event loop share one synchronous file append (under load many responses
 * end per turn, and one write(2) per row was the largest cost of metering). A timer copies rows to
 * the database in batches (insert-or-ignore by id, so a replay never duplicates).
 */
export class UsageLedger {
  private readonly journal: UsageJournal;
  private readonly waiting: SealedSegment[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;
  /** Rows recorded this turn, journaled together when the turn's I/O callbacks are done. */
  private batch: Batch | undefined;
  /** Rows written to the database by this process (for tests and metrics). */
  written = 0;

  constructor(private readonly options: UsageLedgerOptions) {
    this.journal = new UsageJournal(options.journalDir);
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
  record(row: UsageRow): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (!this.batch) {
      const batch = newBatch();
      this.batch = batch;
      setImmediate(() => {
        this.journalBatch(batch);
        if (this.journal.pending >= this.options.batchSize) void this.flush();
      });
    }
    this.batch.rows.push(row);
    return this.batch.done;
  }

  private journalBatch(batch: Batch): void {
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
        this.options.logger.warn({ err: error, rows: segment.rows.length }, "usage rows not yet written; will retry");
        return;
      }
      UsageJournal.remove(segment);
      this.waiting.shift();
    }
  }

  private async insert(rows: UsageRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.options.db
      .insertInto("usage_records")
      .values(rows)
      .onConflict((conflict) => conflict.column("id").doNothing())
      .execute();
    this.written += rows.length;
  }
}
