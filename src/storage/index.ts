export type { Database, DatabaseDialect, Storage } from "./database.js";
export { openDatabase, isPostgresUrl, type OpenDatabaseOptions } from "./open-database.js";
export { migrateToLatest } from "./migrate.js";
export { openConfiguredDatabase, openConfiguredRedis } from "./from-config.js";
export { createRedis, type Redis } from "./redis.js";
