import { z } from "zod";

const localModelSchema = z
  .object({
    /** A GGUF file: absolute, or relative to `models_dir`. */
    file: z.string().min(1).optional(),
    /** Where `models pull` gets it (`hf:owner/repo:quant` or a URL); also names the pull command in errors. */
    source: z.string().min(1).optional(),
    context_size: z.number().int().min(64).optional(),
    parallel: z.number().int().min(1).max(64).optional(),
  })
  .strict()
  .refine((model) => model.file !== undefined || model.source !== undefined, { message: "give `file`, `source` or both" });

export const localConfigSchema = z
  .object({
    type: z.literal("local"),
    /** Defaults to `<server.data_dir>/models`. */
    models_dir: z.string().optional(),
    /** CPU threads per model; defaults to, and is capped at, the machine's available parallelism. */
    threads: z.number().int().min(1).optional(),
    /** Tokens of context per sequence. */
    context_size: z.number().int().min(64).default(4096),
    /** Sequences decoded together in one batch per loaded model. */
    parallel: z.number().int().min(1).max(64).default(4),
    /** Requests that may wait for a free sequence per model; beyond it, 429 SWY_ERR_QUEUE_FULL. */
    queue_size: z.number().int().min(0).default(32),
    /** Output cap when a request sets none. */
    default_max_tokens: z.number().int().min(1).default(1024),
    /** Loaded models' file sizes may add up to this; least recently used idle models unload first. */
    memory_budget_mb: z.number().int().min(1).optional(),
    /** Load every new file once in a child process first, so a file that crashes llama.cpp cannot take the server down. */
    probe_load: z.boolean().default(true),
    /** Named models; other names resolve to `<name>` or `<name>.gguf` in `models_dir`. */
    models: z.record(z.string().min(1), localModelSchema).default({}),
  })
  .strict();

export type LocalConfig = z.infer<typeof localConfigSchema>;
export type LocalModelConfig = z.infer<typeof localModelSchema>;
