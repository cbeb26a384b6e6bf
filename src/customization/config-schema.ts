import { z } from "zod";

/** The `fine_tuning:` config section. Everything has a default, so the section may be absent. */
export const fineTuningConfigSchema = z
  .object({
    /** Largest upload accepted by POST /v1/files, in bytes. */
    max_file_bytes: z.number().int().positive().default(64 * 1024 * 1024),
    /** Dataset examples longer than this (estimated tokens) are rejected at upload. */
    max_tokens_per_example: z.number().int().positive().default(65_536),
    /**
     * A node running a job renews its lease every third of this; when the node dies, another takes
     * the job over once the lease has expired and resumes it from its last checkpoint.
     */
    lease_ms: z.number().int().min(1000).default(30_000),
    local: z
      .object({
        /** The `type: local` provider that serves fine-tuned models; default: the first one configured. */
        provider: z.string().min(1).optional(),
        /** CPU threads for training; default and cap: the machine's available parallelism. */
        threads: z.number().int().min(1).optional(),
        /** Training window in tokens (rounded up to a multiple of 256 by llama.cpp). */
        context_size: z.number().int().min(16).default(256),
        /**
         * Training speed for time estimates (tokens per second per thread). Unset, estimates follow the base
         * model's shape and the `trainable` policy (fine-tuning/training-cost.ts); set it to pin what this machine measured.
         */
        tokens_per_second: z.number().positive().optional(),
      })
      .strict()
      .default({ context_size: 256 }),
    openai: z
      .object({
        /** Base URL of an OpenAI-compatible fine-tuning API (e.g. https://api.openai.com/v1). */
        base_url: z.string().url(),
        /** `env:NAME` or a literal key. */
        api_key: z.string().min(1),
        /** The provider that serves the resulting `ft:` models (an openai-type provider). */
        provider: z.string().min(1),
        /** Price per million training tokens, for estimates. */
        price_per_million_tokens: z.number().nonnegative().default(3),
        /** How often a running upstream job is polled. */
        poll_interval_ms: z.number().int().min(10).default(5000),
      })
      .strict()
      .optional(),
  })
  .strict();

export type FineTuningConfig = z.infer<typeof fineTuningConfigSchema>;
