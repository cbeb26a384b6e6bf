import { createRequire } from "node:module";
import type * as KyselyModule from "kysely";

/**
 * Kysely's runtime values, from its CommonJS build. Its ES module build is 263 modules, and Node
 * keeps per ES module records (module wrap, job, resolution cache) that its CommonJS loader does
 * not: the same code costs about 0.8 MB more heap that way. Types still come from "kysely"; every
 * value import in src/ goes through here, so only one build is ever loaded.
 */
const require = createRequire(import.meta.url);
const kysely = require("kysely") as typeof KyselyModule;

export const { Kysely, Migrator, PostgresAdapter, PostgresDialect, SqliteDialect, sql } = kysely;
export type Kysely<DB> = KyselyModule.Kysely<DB>;
export type Migrator = KyselyModule.Migrator;
export type PostgresAdapter = KyselyModule.PostgresAdapter;
export type PostgresDialect = KyselyModule.PostgresDialect;
export type SqliteDialect = KyselyModule.SqliteDialect;
