import type { Kysely } from "kysely";
import type { Database } from "../../storage/database.js";
import type { Logger } from "../../observability/logger.js";
import { UsageJournal, type SealedSegment } from "./usage-journal.js";
import type { UsageRow } from "./usage-record.js";

export interface UsageLedgerOptions {
  db: Kysely<Database>;
  journalDir: string;
  flushMs: number;
  batchSize: number;
  logger: Logger;
}

/**
 * The usage write path: `record` costs one small synchronous file append; a timer copies rows to
 * the database in batches (insert-or-ignore by id, so a replay never duplicates).
 */
export class UsageLedger {
  private readonly journal: UsageJournal;
  private readonly waiting: SealedSegment[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;
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

  record(row: UsageRow): void {
    if (this.closed) return;
    this.journal.append(row);
    if (this.journal.pending >= this.options.batchSize) void this.flush();
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
