import { defineProvider } from "../contract.js";
import { mistralConfigSchema } from "./config.js";
import { createMistralProvider } from "./provider.js";

const MISTRAL_BASE_URL = "https://api.mistral.ai/v1";

/** Mistral AI: chat completions (OpenAI-like wire with Mistral's differences) and embeddings. */
export const mistralProvider = defineProvider({
  type: "mistral",
  configSchema: mistralConfigSchema,
  create(name, config, context) {
    const apiKey = context.resolveSecret(config.api_key);
    return createMistralProvider({
      name,
      baseUrl: (config.base_url ?? MISTRAL_BASE_URL).replace(/\/+$/, ""),
      headers: { ...(apiKey && { authorization: `Bearer ${apiKey}` }), ...config.headers },
      safePrompt: config.safe_prompt,
      models: config.models,
    });
  },
});
