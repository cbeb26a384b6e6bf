import { z } from "zod";

export const anthropicConfigSchema = z
  .object({
    type: z.literal("anthropic"),
    /** Without the `/v1` suffix, as the official SDK takes it (a trailing `/v1` is tolerated). */
    base_url: z.string().url().optional(),
    api_key: z.string().optional().describe("A credential location: env:NAME, or none"),
    /** The `anthropic-version` header. */
    version: z.string().default("2023-06-01"),
    /** Sent as `anthropic-beta` (comma-joined) to opt into beta features. */
    beta: z.array(z.string().min(1)).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    /** `max_tokens` when a request sets none (Anthropic requires one). */
    default_max_tokens: z.number().int().positive().optional(),
    /** Per upstream model (exact name or prefix ending in `*`) overrides of the default above. */
    max_tokens_by_model: z.record(z.string(), z.number().int().positive()).optional(),
    /** Models listed for this provider in /v1/models without a `models` entry. */
    models: z.array(z.string()).optional(),
  })
  .strict();

export type AnthropicConfig = z.infer<typeof anthropicConfigSchema>;

/** The Claude 3 (not 3.5+) models top out at 4096 output tokens; newer ones take 8192 and more. */
const FOUR_K_MODELS = /^claude-3-(opus|sonnet|haiku)-/;

/** The `max_tokens` sent when the caller set none: config first, then a limit every model of that line accepts. */
export function defaultMaxTokens(model: string, config: Pick<AnthropicConfig, "default_max_tokens" | "max_tokens_by_model">): number {
  const table = config.max_tokens_by_model ?? {};
  const exact = table[model];
  if (exact !== undefined) return exact;
  let best: { length: number; value: number } | undefined;
  for (const [key, value] of Object.entries(table)) {
    if (!key.endsWith("*")) continue;
    const prefix = key.slice(0, -1);
    if (model.startsWith(prefix) && (!best || prefix.length > best.length)) best = { length: prefix.length, value };
  }
  if (best) return best.value;
  if (config.default_max_tokens !== undefined) return config.default_max_tokens;
  return FOUR_K_MODELS.test(model) ? 4096 : 8192;
}
