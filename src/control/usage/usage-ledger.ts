import type { Kysely } from "kysely";
import type { Database } from "../../storage/database.js";
import type { Logger } from "../../observability/logger.js";
import { JournaledWriter } from "../../storage/journal/journaled-writer.js";
import type { UsageRow } from "./usage-record.js";

export interface UsageLedgerOptions {
  db: Kysely<Database>;
  journalDir: string;
  flushMs: number;
  batchSize: number;
  logger: Logger;
}

/**
 * The usage write path: rows are journaled before a response's last byte and copied to
 * `usage_records` in batches (insert-or-ignore by id, so a replay never duplicates).
 */
export class UsageLedger extends JournaledWriter<UsageRow> {
  constructor(options: UsageLedgerOptions) {
    const { db, ...rest } = options;
    super({
      ...rest,
      prefix: "usage",
      label: "usage rows",
      insert: async (rows) => {
        await db
          .insertInto("usage_records")
          .values(rows)
          .onConflict((conflict) => conflict.column("id").doNothing())
          .execute();
      },
    });
  }
}
