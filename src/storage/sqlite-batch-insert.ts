import type BetterSqlite3 from "better-sqlite3";
import type { Kysely } from "kysely";
import type { Database } from "./database.js";

/** The embedded database's own handle, for the few writes that are worth preparing once. */
export interface SqliteHandle {
  readonly database: BetterSqlite3.Database;
  /** Tells `observeQueries` listeners of SQL run on the handle directly (Kysely reports its own). */
  report(sql: string): void;
}

/**
 * An insert-or-ignore (by `id`) of whole rows into the embedded database: one statement prepared
 * once and run per row inside one transaction per batch. Building the batch through Kysely
 * compiled and prepared a statement of every row's values on each flush, a few percent of a busy
 * gateway's CPU; this does the same write (same rows, same conflict rule, all or nothing) with
 * neither. Columns a row lacks are written as null, as Kysely writes them.
 *
 * It runs holding Kysely's connection (`db.connection()`), so it never lands inside a transaction
 * Kysely has open on the same handle.
 */
export function sqliteBatchInsert<Row extends object>(
  db: Kysely<Database>,
  sqlite: SqliteHandle,
  table: string,
  columns: ReadonlyArray<keyof Row & string>,
): (rows: Row[]) => Promise<void> {
  const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;
  const sql = `insert into ${quoted(table)} (${columns.map(quoted).join(", ")}) values (${columns.map(() => "?").join(", ")}) on conflict (${quoted("id")}) do nothing`;
  let run: ((rows: Row[]) => void) | undefined;
  const prepare = () => {
    const statement = sqlite.database.prepare(sql);
    const values: unknown[] = new Array(columns.length);
    const byColumn = (record: Record<string, unknown>) => {
      for (let index = 0; index < columns.length; index++) values[index] = record[columns[index]!] ?? null;
    };
    return sqlite.database.transaction((rows: Row[]) => {
      for (const row of rows) {
        const record = row as Record<string, unknown>;
        // for-in reads a plain object's values in its shape's order, where record[columns[i]] is a keyed
        // load seeing a different key each time; a row whose keys are not exactly the columns in order
        // is read again by column.
        let index = 0;
        for (const key in record) {
          if (key !== columns[index]) {
            index = -1;
            break;
          }
          values[index++] = record[key] ?? null;
        }
        if (index !== columns.length) byColumn(record);
        statement.run(values);
      }
    });
  };
  return (rows) =>
    db.connection().execute(async () => {
      // Prepared on first use: the table exists only once migrations have run.
      try {
        run ??= prepare();
        run(rows);
      } finally {
        // Reported whether it ran or failed, as Kysely's log reports its queries.
        sqlite.report(sql);
      }
    });
}
