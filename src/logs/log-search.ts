import type { RawBuilder, SqlBool } from "kysely";
import { sql } from "../storage/kysely.js";
import type { DatabaseDialect } from "../storage/database.js";

/** Words of a free-text query: letters and digits, any script; everything else separates them. */
export function searchWords(query: string): string[] {
  return query.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * Every word of the query must occur in the request or the answer (masked text only). SQLite
 * matches through the FTS5 index, each word quoted so no FTS5 syntax can be injected; PostgreSQL
 * through the GIN index over `to_tsvector('simple', search_text)`. Both use the 'simple'
 * tokenisation (no stemming), so one query finds the same rows on either engine.
 */
export function fullTextMatch(dialect: DatabaseDialect, words: readonly string[], table = "log"): RawBuilder<SqlBool> {
  if (dialect === "postgres") {
    return sql<SqlBool>`to_tsvector('simple', ${sql.ref(`${table}.search_text`)}) @@ plainto_tsquery('simple', ${words.join(" ")})`;
  }
  const match = words.map((word) => `"${word.replaceAll('"', '""')}"`).join(" ");
  return sql<SqlBool>`${sql.ref(`${table}.rowid`)} in (select rowid from request_logs_fts where request_logs_fts match ${match})`;
}
