import { z } from "zod";

/** `database:` — where state lives. No url: SQLite at `<data_dir>/switchyard.db`. Env DATABASE_URL overrides. */
export const databaseSchema = z
  .object({
    /** `postgres://...` for PostgreSQL, `sqlite:<path>` or a plain path for SQLite. */
    url: z.string().min(1).optional(),
    /** PostgreSQL pool size. */
    pool_size: z.number().int().positive().max(200).default(10),
  })
  .strict();

/** `redis:` — shared counters for rate limits and budgets across gateway nodes. Env REDIS_URL overrides. */
export const redisSchema = z
  .object({
    url: z.string().min(1).optional(),
    /** Prefix for every key, so several deployments can share one Redis. */
    key_prefix: z.string().default("swy:"),
  })
  .strict();

export type DatabaseConfig = z.infer<typeof databaseSchema>;
export type RedisConfig = z.infer<typeof redisSchema>;
