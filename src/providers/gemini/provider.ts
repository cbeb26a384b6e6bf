import type { Dispatcher } from "undici";
import { SwitchyardError } from "../../core/errors.js";
import type { ChatRequest, EmbeddingRequest, EmbeddingResponse, StreamPart } from "../../core/types.js";
import type { CallOptions, ProviderAdapter } from "../contract.js";
import { createDispatcher, readBounded, sendUpstream } from "../shared/http.js";
import { readServerSentEvents } from "../shared/sse.js";
import { embedWithGemini } from "./embed.js";
import { geminiErrorMessage } from "./errors.js";
import { toGeminiRequest } from "./request.js";
import { geminiResponseToParts } from "./response.js";
import { geminiEventsToParts } from "./stream.js";
import { generateContentResponseSchema } from "./wire.js";
import { prependWarnings, safeJson } from "../shared/parts.js";

export interface GeminiSettings {
  name: string;
  /** `studio` (generativelanguage API, key auth) or `vertex` (aiplatform API, bearer auth). */
  flavour: "studio" | "vertex";
  /** URL of `models/{model}` for this flavour, without the `:method` suffix. */
  modelUrl(model: string): string;
  headers(): Promise<Record<string, string>>;
  models?: string[];
  dispatcher?: Dispatcher;
}

const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export function createGeminiProvider(settings: GeminiSettings): ProviderAdapter {
  const dispatcher = settings.dispatcher ?? createDispatcher();

  async function post(url: string, body: unknown, options: CallOptions) {
    return sendUpstream({
      provider: settings.name,
      url,
      headers: { "content-type": "application/json", ...(await settings.headers()) },
      body: JSON.stringify(body),
      signal: options.signal,
      dispatcher,
      errorMessage: geminiErrorMessage,
    });
  }

  return {
    specificationVersion: "v1",
    name: settings.name,
    type: "gemini",

    async stream(request: ChatRequest, options: CallOptions): Promise<AsyncIterable<StreamPart>> {
      const streaming = options.stream ?? true;
      const { body, warnings } = toGeminiRequest(request);
      const base = settings.modelUrl(request.model);
      if (streaming) {
        const response = await post(`${base}:streamGenerateContent?alt=sse`, body, options);
        return prependWarnings(warnings, geminiEventsToParts(readServerSentEvents(response.body), settings.name, options.signal));
      }
      const response = await post(`${base}:generateContent`, body, options);
      const text = await readBounded(response.body, MAX_RESPONSE_BYTES);
      const parsed = generateContentResponseSchema.safeParse(safeJson(text));
      if (!parsed.success) {
        throw new SwitchyardError("SWY_ERR_UPSTREAM_ERROR", `${settings.name}: unreadable response body`, {
          upstream: { provider: settings.name, body: text.slice(0, 2000) },
        });
      }
      return prependWarnings(warnings, geminiResponseToParts(parsed.data, settings.name));
    },

    async embed(request: EmbeddingRequest, options: CallOptions): Promise<EmbeddingResponse> {
      return embedWithGemini(request, {
        provider: settings.name,
        flavour: settings.flavour,
        url: settings.modelUrl(request.model),
        send: async (url, body) => readBounded((await post(url, body, options)).body, MAX_RESPONSE_BYTES),
      });
    },

    async listModels(): Promise<string[]> {
      return settings.models ?? [];
    },

    async close(): Promise<void> {
      await dispatcher.close();
    },
  };
}
