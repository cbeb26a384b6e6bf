import { z } from "zod";

/** The `batches:` config section. Everything has a default, so the section may be absent. */
export const batchesConfigSchema = z
  .object({
    /** Batch lines in flight at once, across every batch: batches never crowd out live traffic. */
    concurrency: z.number().int().min(1).max(256).default(2),
    /** A new batch line waits while this many live model requests (chat, embeddings, completions, messages) are in flight. */
    yield_to_live: z.number().int().min(1).default(4),
    /** Most lines in one input file (OpenAI's limit). */
    max_lines: z.number().int().min(1).default(50_000),
    /** On shutdown, how long lines in flight may take to finish before they are cut off (and reported as interrupted). */
    drain_ms: z.number().int().min(0).default(10_000),
    /**
     * Send batches whose every line goes to one model served by an OpenAI provider with `native_batches`
     * to OpenAI's own Batch API, for its batch discount.
     */
    delegate: z.boolean().default(true),
    /** How long a node's hold on a batch lasts without renewal: after a crash, another node (or the restarted one) takes it over then. */
    lease_ms: z.number().int().min(100).default(30_000),
    /** How often a delegated batch is polled upstream. */
    poll_interval_ms: z.number().int().min(10).default(30_000),
  })
  .strict();

export type BatchesConfig = z.infer<typeof batchesConfigSchema>;

/**
 * OpenAI accepts only `24h`. Shorter windows (`30m`, `90s`, `2h`) are accepted too, for work that is
 * worthless after a deadline; a batch never runs longer than 24 hours.
 */
export function completionWindowMs(window: string): number | undefined {
  const match = /^([1-9]\d{0,5})(s|m|h)$/.exec(window);
  if (!match) return undefined;
  const ms = Number(match[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[match[2] as "s" | "m" | "h"];
  return ms <= 24 * 3_600_000 ? ms : undefined;
}
