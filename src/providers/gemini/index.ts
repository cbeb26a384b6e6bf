import { defineProvider } from "../contract.js";
import { createDispatcher } from "../shared/http.js";
import { geminiConfigSchema } from "./config.js";
import { createGeminiProvider } from "./provider.js";
import { serviceAccountTokenSource, staticTokenSource, type TokenSource } from "./vertex-auth.js";

const STUDIO_BASE_URL = "https://generativelanguage.googleapis.com";

const trimSlash = (url: string) => url.replace(/\/+$/, "");

/** Google Gemini through AI Studio (`api_key`) or Vertex AI (`vertex: {project, location}`). */
export const geminiProvider = defineProvider({
  type: "gemini",
  configSchema: geminiConfigSchema,
  create(name, config, context) {
    const dispatcher = createDispatcher();
    if (config.vertex) {
      const vertex = config.vertex;
      const host = vertex.location === "global" ? "aiplatform.googleapis.com" : `${vertex.location}-aiplatform.googleapis.com`;
      const root = trimSlash(config.base_url ?? `https://${host}`);
      const version = config.api_version ?? "v1";
      const tokens: TokenSource =
        vertex.service_account_file !== undefined
          ? serviceAccountTokenSource(vertex.service_account_file, name, dispatcher)
          : staticTokenSource(() => context.resolveSecret(vertex.access_token), name);
      const prefix = `${root}/${version}/projects/${encodeURIComponent(vertex.project)}/locations/${encodeURIComponent(vertex.location)}/publishers/google/models/`;
      return createGeminiProvider({
        name,
        flavour: "vertex",
        modelUrl: (model) => prefix + encodeURIComponent(model),
        headers: async () => ({ authorization: `Bearer ${await tokens()}`, ...config.headers }),
        models: config.models,
        dispatcher,
      });
    }
    const apiKey = context.resolveSecret(config.api_key);
    const root = trimSlash(config.base_url ?? STUDIO_BASE_URL);
    const version = config.api_version ?? "v1beta";
    return createGeminiProvider({
      name,
      flavour: "studio",
      modelUrl: (model) => `${root}/${version}/models/${encodeURIComponent(model.replace(/^models\//, ""))}`,
      headers: async () => ({ ...(apiKey && { "x-goog-api-key": apiKey }), ...config.headers }),
      models: config.models,
      dispatcher,
    });
  },
});
