import type { Dispatcher } from "undici";
import { SwitchyardError } from "../../core/errors.js";
import type { ChatRequest, EmbeddingRequest, EmbeddingResponse, StreamPart } from "../../core/types.js";
import type { CallOptions, ProviderAdapter } from "../contract.js";
import { embeddingResponseSchema } from "../openai-compatible/wire.js";
import { createDispatcher, readBounded, sendUpstream } from "../shared/http.js";
import { readServerSentEvents } from "../shared/sse.js";
import { mistralErrorMessage } from "./errors.js";
import { toMistralRequest } from "./request.js";
import { mistralCompletionToParts } from "./response.js";
import { mistralEventsToParts } from "./stream.js";
import { prependWarnings, safeJson } from "../shared/parts.js";

export interface MistralSettings {
  name: string;
  baseUrl: string;
  headers: Record<string, string>;
  safePrompt?: boolean;
  models?: string[];
}

const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export function createMistralProvider(settings: MistralSettings): ProviderAdapter {
  const dispatcher: Dispatcher = createDispatcher();

  async function post(operation: "chat/completions" | "embeddings", body: unknown, options: CallOptions) {
    return sendUpstream({
      provider: settings.name,
      url: `${settings.baseUrl}/${operation}`,
      headers: { "content-type": "application/json", ...settings.headers },
      body: JSON.stringify(body),
      signal: options.signal,
      dispatcher,
      errorMessage: mistralErrorMessage,
    });
  }

  const unreadable = (what: string, text?: string) =>
    new SwitchyardError("SWY_ERR_UPSTREAM_ERROR", `${settings.name}: unreadable ${what}`, {
      upstream: { provider: settings.name, body: text?.slice(0, 2000) },
    });

  return {
    specificationVersion: "v1",
    name: settings.name,
    type: "mistral",

    async stream(request: ChatRequest, options: CallOptions): Promise<AsyncIterable<StreamPart>> {
      const streaming = options.stream ?? true;
      const { body, warnings } = toMistralRequest(request, streaming, { safePrompt: settings.safePrompt });
      const response = await post("chat/completions", body, options);
      if (streaming) {
        return prependWarnings(warnings, mistralEventsToParts(readServerSentEvents(response.body), settings.name, options.signal));
      }
      const text = await readBounded(response.body, MAX_RESPONSE_BYTES);
      const parts = mistralCompletionToParts(safeJson(text));
      if (!parts) throw unreadable("response body", text);
      return prependWarnings(warnings, parts);
    },

    async embed(request: EmbeddingRequest, options: CallOptions): Promise<EmbeddingResponse> {
      const body: Record<string, unknown> = { model: request.model, input: request.input };
      if (request.dimensions !== undefined) body.output_dimension = request.dimensions;
      const response = await post("embeddings", body, options);
      const parsed = embeddingResponseSchema.safeParse(safeJson(await readBounded(response.body, MAX_RESPONSE_BYTES)));
      if (!parsed.success) throw unreadable("embeddings response");
      const sorted = [...parsed.data.data].sort((a, b) => a.index - b.index);
      return {
        model: parsed.data.model ?? request.model,
        embeddings: sorted.map((item) => item.embedding),
        usage: { inputTokens: parsed.data.usage?.prompt_tokens ?? 0, outputTokens: 0 },
      };
    },

    async listModels(): Promise<string[]> {
      return settings.models ?? [];
    },

    async close(): Promise<void> {
      await dispatcher.close();
    },
  };
}
