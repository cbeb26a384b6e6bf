import { createRequire } from "node:module";
import type * as KyselyModule from "kysely";

/**
 * Kysely's runtime values, from its CommonJS build. Its ES module build is 263 modules, and Node
 * keeps per ES module records (module wrap, job, resolution cache) that its CommonJS loader does
 * not: in the running gateway the ES build costs ~0.7 MB more heap and ~10 MB more resident
 * (docs/benchmarks.md, fourth round). Types still come from "kysely"; every value import in src/
 * goes through here (ESLint enforces it), so only one build is ever loaded.
 */
const require = createRequire(import.meta.url);
const kysely = require("kysely") as typeof KyselyModule;

export const { Kysely, Migrator, PostgresAdapter, PostgresDialect, SqliteDialect, sql } = kysely;
export type Kysely<DB> = KyselyModule.Kysely<DB>;
export type Migrator = KyselyModule.Migrator;
export type PostgresAdapter = KyselyModule.PostgresAdapter;
export type PostgresDialect = KyselyModule.PostgresDialect;
export type SqliteDialect = KyselyModule.SqliteDialect;
