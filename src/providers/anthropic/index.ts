import { defineProvider } from "../contract.js";
import { anthropicConfigSchema, defaultMaxTokens } from "./config.js";
import { createAnthropicProvider } from "./provider.js";

const ANTHROPIC_BASE_URL = "https://api.anthropic.com";

/** Anthropic's Messages API (`type: anthropic`). */
export const anthropicProvider = defineProvider({
  type: "anthropic",
  configSchema: anthropicConfigSchema,
  create(name, config, context) {
    const baseUrl = (config.base_url ?? ANTHROPIC_BASE_URL).replace(/\/+$/, "").replace(/\/v1$/, "");
    const apiKey = context.resolveSecret(config.api_key);
    const headers: Record<string, string> = {
      "anthropic-version": config.version,
      ...(apiKey && { "x-api-key": apiKey }),
      ...(config.beta?.length && { "anthropic-beta": config.beta.join(",") }),
      ...config.headers,
    };
    return createAnthropicProvider({
      name,
      messagesUrl: `${baseUrl}/v1/messages`,
      headers: () => headers,
      maxTokens: (model) => defaultMaxTokens(model, config),
      models: config.models,
    });
  },
});
