import type { Storage } from "../../storage/database.js";
import type { Logger } from "../../observability/logger.js";
import { jsonArrayLines } from "../../storage/journal/json-line.js";
import { JournaledWriter } from "../../storage/journal/journaled-writer.js";
import { sqliteBatchInsert } from "../../storage/sqlite-batch-insert.js";
import type { UsageRecordTable } from "../tables.js";
import type { UsageRow } from "./usage-record.js";

export interface UsageLedgerOptions {
  storage: Storage;
  journalDir: string;
  flushMs: number;
  batchSize: number;
  logger: Logger;
}

/** Every column of `usage_records` (the compiler checks the list is complete), in the order the embedded database's insert binds them. */
export const USAGE_COLUMNS = Object.keys({
  id: true,
  request_id: true,
  created_at: true,
  day: true,
  key_id: true,
  project_id: true,
  api: true,
  model: true,
  provider: true,
  provider_type: true,
  upstream_model: true,
  input_tokens: true,
  output_tokens: true,
  cached_input_tokens: true,
  estimated: true,
  cost_usd: true,
  latency_ms: true,
  ttft_ms: true,
  status: true,
  http_status: true,
  error_code: true,
  stream: true,
  router_decision: true,
  deployment_variant: true,
} satisfies Record<keyof UsageRecordTable, true>) as Array<keyof UsageRow & string>;

/**
 * The usage write path: rows are journaled (as arrays of the columns' values) before a response's last byte and copied to
 * `usage_records` in batches (insert-or-ignore by id, so a replay never duplicates). On the
 * embedded database the batch is a statement prepared once, run per row in one transaction; on
 * PostgreSQL one multi-row insert through Kysely.
 */
export class UsageLedger extends JournaledWriter<UsageRow> {
  constructor(options: UsageLedgerOptions) {
    const { storage, ...rest } = options;
    const { db, sqlite } = storage;
    super({
      ...rest,
      prefix: "usage",
      label: "usage rows",
      lines: jsonArrayLines<UsageRow>(USAGE_COLUMNS),
      insert: sqlite
        ? sqliteBatchInsert<UsageRow>(db, sqlite, "usage_records", USAGE_COLUMNS)
        : async (rows) => {
            await db
              .insertInto("usage_records")
              .values(rows)
              .onConflict((conflict) => conflict.column("id").doNothing())
              .execute();
          },
    });
  }
}
