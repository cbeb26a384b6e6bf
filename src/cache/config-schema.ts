import { z } from "zod";

/** `cache:` — exact-match response cache. */
export const cacheSchema = z
  .object({
    /**
     * off: never; opt-in: only requests that send `x-switchyard-cache: on` (or keys whose metadata
     * says `cache: true`); on: every request unless it opts out.
     */
    mode: z.enum(["off", "opt-in", "on"]).default("off"),
    /** Where entries live; auto means Redis when `redis.url` / REDIS_URL is set, else memory. */
    backend: z.enum(["auto", "memory", "redis"]).default("auto"),
    ttl_seconds: z.number().int().positive().default(3600),
    /** Memory backend bounds: least recently used entries are evicted past either. */
    max_entries: z.number().int().positive().default(10_000),
    max_bytes: z.number().int().positive().default(64 * 1024 * 1024),
    /** Share entries across projects (identical requests from different projects hit the same entry). */
    shared_across_projects: z.boolean().default(false),
  })
  .strict();

export type CacheConfig = z.infer<typeof cacheSchema>;
