import { z } from "zod";

/** Mistral's chat and embeddings API (La Plateforme, or a self-deployed endpoint with the same wire). */
export const mistralConfigSchema = z
  .object({
    type: z.literal("mistral"),
    api_key: z.string().optional().describe("A credential location: env:MISTRAL_API_KEY, or none"),
    base_url: z.string().url().optional(),
    /** Prepends Mistral's safety system prompt to every request. */
    safe_prompt: z.boolean().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    models: z.array(z.string()).optional(),
  })
  .strict();

export type MistralConfig = z.infer<typeof mistralConfigSchema>;
