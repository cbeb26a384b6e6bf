import { z } from "zod";

/** One price/capability override: USD per 1M tokens. Missing fields keep the catalog's value. */
export const priceOverrideSchema = z
  .object({
    input: z.number().nonnegative().optional(),
    output: z.number().nonnegative().optional(),
    cached_input: z.number().nonnegative().optional(),
    context_length: z.number().int().positive().optional(),
    vision: z.boolean().optional(),
    tools: z.boolean().optional(),
    json: z.boolean().optional(),
    /** Fraction off both prices through the provider's own batch API (OpenAI: 0.5). */
    batch_discount: z.number().min(0).max(1).optional(),
  })
  .strict();

/**
 * `pricing:` keyed by `PROVIDER_TYPE/UPSTREAM_MODEL` (e.g. `openai/gpt-4o`), `PROVIDER_NAME/UPSTREAM_MODEL`
 * or a public model name; overrides the built-in catalog.
 */
export const pricingSchema = z.record(z.string().min(1), priceOverrideSchema);

/** `control:` — usage ledger and limit tuning. */
export const controlSchema = z
  .object({
    /** How often buffered usage rows are written to the database. */
    usage_flush_ms: z.number().int().positive().default(1000),
    /** Rows per database write. */
    usage_batch_size: z.number().int().positive().max(5000).default(500),
    /** Output tokens assumed when reserving budget for a request without max_tokens. */
    default_output_estimate: z.number().int().positive().default(1024),
    /** How long a looked-up virtual key is trusted before it is read again (revocation delay across nodes). */
    key_cache_ms: z.number().int().nonnegative().default(5000),
  })
  .strict();

export type PricingConfig = z.infer<typeof pricingSchema>;
export type ControlConfig = z.infer<typeof controlSchema>;
