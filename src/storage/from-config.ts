import type { ConfigFile } from "../config/schema.js";
import type { Storage } from "./database.js";
import { openDatabase } from "./open-database.js";
import { createRedis, type Redis } from "./redis.js";

/** The database named by DATABASE_URL or `database.url`, else SQLite in the data dir. */
export function openConfiguredDatabase(config: ConfigFile, env: NodeJS.ProcessEnv): Promise<Storage> {
  return openDatabase({
    url: env.DATABASE_URL || config.database.url,
    dataDir: config.server.data_dir,
    poolSize: config.database.pool_size,
  });
}

/** Redis from REDIS_URL or `redis.url`; undefined means counters stay in-process. */
export function openConfiguredRedis(config: ConfigFile, env: NodeJS.ProcessEnv): Redis | undefined {
  const url = env.REDIS_URL || config.redis.url;
  return url ? createRedis(url) : undefined;
}
