import { z } from "zod";

/** `cache.semantic:` — answers near-identical prompts from the cache by embedding similarity. */
export const semanticCacheSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** A public model name or PROVIDER/MODEL that serves embeddings, called through the gateway's own routing. */
    embedding_model: z.string().min(1).optional(),
    /** Passed to the embedding model when set (models such as text-embedding-3-* can shorten their vectors). */
    dimensions: z.number().int().positive().optional(),
    /** Cosine similarity a stored prompt must reach to answer; 1 means the same vector. */
    threshold: z.number().gt(0).max(1).default(0.95),
    /** Memory backend: LRU bound over all entries; Redis backend: bound per partition (the linear-scan set). */
    max_entries: z.number().int().positive().max(100_000).default(1000),
    /** Defaults to `cache.ttl_seconds`. */
    ttl_seconds: z.number().int().positive().optional(),
    /** An embedding call slower than this is abandoned and the lookup is a miss: the cache must not hold requests up. */
    timeout_ms: z.number().int().positive().default(5000),
    /** Longer prompts skip the semantic lookup (embedding models have input limits, and long prompts dilute similarity). */
    max_input_chars: z.number().int().positive().default(8000),
  })
  .strict()
  .superRefine((value, context) => {
    if (value.enabled && value.embedding_model === undefined) {
      context.addIssue({ code: "custom", path: ["embedding_model"], message: "required when the semantic cache is enabled (a public model name or PROVIDER/MODEL that serves embeddings)" });
    }
  });

/** `cache:` — exact-match response cache, with an optional semantic layer. */
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
    semantic: semanticCacheSchema.optional(),
  })
  .strict();

export type CacheConfig = z.infer<typeof cacheSchema>;
export type SemanticCacheConfig = z.infer<typeof semanticCacheSchema>;
