import { z } from "zod";

/**
 * `logging:` the stored request log (docs/logs.md). Off unless `store_requests` is true here, for a
 * project (`PUT /admin/projects/{id}/logging`) or for a deployment named in `deployments`.
 */
export const loggingSchema = z
  .object({
    /** Store every chat request and answer of every project (a project's own setting wins). */
    store_requests: z.boolean().default(false),
    /** Days a stored request is kept; a project's own setting wins. */
    retention_days: z.number().int().positive().max(3650).default(30),
    /**
     * Also store the unmasked view (guardrail placeholders restored). Only the master key may turn it
     * on for a project; redacted values are never stored either way.
     */
    store_unmasked: z.boolean().default(false),
    /** Deployments whose traffic is stored whatever their callers' project says. */
    deployments: z.array(z.string().min(1)).default([]),
    /** How often journaled log rows are copied to the database. */
    flush_ms: z.number().int().positive().default(1000),
    /** Rows per database write. */
    batch_size: z.number().int().positive().max(5000).default(200),
    /** Longest request or answer text stored, in characters (longer ones are cut and marked). */
    max_text_chars: z.number().int().positive().default(200_000),
  })
  .strict();

export type LoggingConfig = z.infer<typeof loggingSchema>;
