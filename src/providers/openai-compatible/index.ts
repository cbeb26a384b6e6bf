import { defineProvider } from "../contract.js";
import { azureOpenaiConfigSchema, openaiConfigSchema } from "./config.js";
import { createOpenaiCompatibleProvider } from "./provider.js";

const OPENAI_BASE_URL = "https://api.openai.com/v1";

const trimSlash = (url: string) => url.replace(/\/+$/, "");

/** OpenAI itself and any OpenAI-compatible server (vLLM, Ollama, Groq, Together, DeepSeek, OpenRouter...). */
export const openaiProvider = defineProvider({
  type: "openai",
  configSchema: openaiConfigSchema,
  create(name, config, context) {
    const baseUrl = trimSlash(config.base_url ?? OPENAI_BASE_URL);
    const apiKey = context.resolveSecret(config.api_key);
    const isOpenai = baseUrl === OPENAI_BASE_URL;
    return createOpenaiCompatibleProvider({
      name,
      type: "openai",
      url: (_model, operation) => `${baseUrl}/${operation}`,
      headers: () => ({ ...(apiKey && { authorization: `Bearer ${apiKey}` }), ...config.headers }),
      maxTokensField: config.max_tokens_field ?? (isOpenai ? "max_completion_tokens" : "max_tokens"),
      models: config.models,
      headersTimeoutMs: config.timeout_ms,
      local: config.local,
      nativeBatchesUrl: (config.native_batches ?? isOpenai) ? baseUrl : undefined,
    });
  },
});

/** Azure OpenAI: deployment URLs, `api-version` query and the `api-key` header. */
export const azureOpenaiProvider = defineProvider({
  type: "azure-openai",
  configSchema: azureOpenaiConfigSchema,
  create(name, config, context) {
    const baseUrl = trimSlash(config.base_url);
    const apiKey = context.resolveSecret(config.api_key);
    const version = encodeURIComponent(config.api_version);
    return createOpenaiCompatibleProvider({
      name,
      type: "azure-openai",
      url: (deployment, operation) =>
        `${baseUrl}/openai/deployments/${encodeURIComponent(deployment)}/${operation}?api-version=${version}`,
      headers: () => ({ ...(apiKey && { "api-key": apiKey }), ...config.headers }),
      maxTokensField: config.max_tokens_field ?? "max_completion_tokens",
      models: config.models,
      headersTimeoutMs: config.timeout_ms,
    });
  },
});
