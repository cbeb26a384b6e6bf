import type { Insertable, Kysely } from "kysely";
import type { Logger } from "../observability/logger.js";
import type { Database } from "../storage/database.js";
import { JournaledWriter } from "../storage/journal/journaled-writer.js";
import type { LoggingConfig } from "./config-schema.js";
import type { RequestLogTable } from "./tables.js";

export type LogRow = Insertable<RequestLogTable>;

/**
 * Request log rows take the usage rows' path: journaled (one synchronous append per turn) before
 * the response's last byte, copied to `request_logs` in batches off the request path, replayed at
 * start-up after a crash, and flushed on a clean shutdown.
 */
export function createLogWriter(options: { db: Kysely<Database>; journalDir: string; config: LoggingConfig; logger: Logger }): JournaledWriter<LogRow> {
  const { db } = options;
  return new JournaledWriter<LogRow>({
    journalDir: options.journalDir,
    prefix: "request-log",
    flushMs: options.config.flush_ms,
    batchSize: options.config.batch_size,
    logger: options.logger,
    label: "request log rows",
    insert: async (rows) => {
      await db
        .insertInto("request_logs")
        .values(rows)
        .onConflict((conflict) => conflict.column("id").doNothing())
        .execute();
    },
  });
}
