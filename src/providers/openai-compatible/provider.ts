import type { Dispatcher } from "undici";
import { SwitchyardError } from "../../core/errors.js";
import type { ChatRequest, EmbeddingRequest, EmbeddingResponse, StreamPart } from "../../core/types.js";
import type { CallOptions, OpenaiChatWire, ProviderAdapter } from "../contract.js";
import { createDispatcher, readBounded, sendUpstream } from "../shared/http.js";
import type { UpstreamCall } from "../shared/dispatch.js";
import { readServerSentEvents } from "../shared/sse.js";
import { openaiErrorMessage } from "./errors.js";
import { toOpenaiRequest } from "./request.js";
import { hotRequestBody } from "./hot-request-body.js";
import { openaiCompletionToParts } from "./response.js";
import { openaiEventsToParts } from "./stream.js";
import { completionSchema, embeddingResponseSchema } from "./wire.js";
import { isHotCompletion } from "./hot-shape.js";
import { prependWarnings, safeJson } from "../shared/parts.js";
import { createNativeBatches } from "./native-batches.js";

export interface OpenaiCompatibleSettings {
  name: string;
  type: string;
  /** Builds the URL of an operation (`chat/completions`, `embeddings`) for an upstream model. */
  url(model: string, operation: "chat/completions" | "embeddings" | "models"): string;
  headers(): Record<string, string>;
  maxTokensField: "max_tokens" | "max_completion_tokens";
  models?: string[];
  connectTimeoutMs?: number;
  /** Longest wait for the upstream's response headers. */
  headersTimeoutMs?: number;
  /** The server keeps data on this machine (guardrails may exempt it and route sensitive requests to it). */
  local?: boolean;
  /** Base URL of OpenAI's Files and Batch APIs, when the server has them (batches are delegated to it). */
  nativeBatchesUrl?: string;
}

const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** The base that OpenAI, Azure OpenAI and every OpenAI-compatible server (vLLM, Ollama, Groq...) share. */
export function createOpenaiCompatibleProvider(settings: OpenaiCompatibleSettings): ProviderAdapter {
  const dispatcher: Dispatcher = createDispatcher({ connectTimeoutMs: settings.connectTimeoutMs, headersTimeoutMs: settings.headersTimeoutMs });
  const requestSettings = { maxTokensField: settings.maxTokensField, optionsKey: settings.type };

  async function post(url: string, body: unknown, options: CallOptions) {
    return sendUpstream({
      provider: settings.name,
      url,
      headers: { "content-type": "application/json", ...settings.headers() },
      body: JSON.stringify(body),
      signal: options.signal,
      dispatcher,
      errorMessage: openaiErrorMessage,
    });
  }

  function completionParts(text: string): Iterable<StreamPart> {
    const value = safeJson(text);
    if (isHotCompletion(value)) return openaiCompletionToParts(value);
    const parsed = completionSchema.safeParse(value);
    if (!parsed.success) {
      throw new SwitchyardError("SWY_ERR_UPSTREAM_ERROR", `${settings.name}: unreadable response body`, {
        upstream: { provider: settings.name, body: text.slice(0, 2000) },
      });
    }
    return openaiCompletionToParts(parsed.data);
  }

  // Origin and path of each chat URL, split once: the URL depends only on the upstream model.
  const targets = new Map<string, { url: string; origin: string; path: string }>();
  const chatTarget = (model: string) => {
    let target = targets.get(model);
    if (target === undefined) {
      const url = settings.url(model, "chat/completions");
      const parsed = new URL(url);
      target = { url, origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
      // Models are few; the `provider/model` shorthand could name any number, so the map stays bounded.
      if (targets.size >= 256) targets.clear();
      targets.set(model, target);
    }
    return target;
  };

  const upstreamCall = (model: string, body: string): UpstreamCall => {
    const target = chatTarget(model);
    return {
      provider: settings.name,
      url: target.url,
      origin: target.origin,
      path: target.path,
      headers: { "content-type": "application/json", ...settings.headers() },
      body,
      dispatcher,
      errorMessage: openaiErrorMessage,
    };
  };

  const openaiChat: OpenaiChatWire = {
    call(request, stream) {
      // The requests the fast path takes carry no setting that turns into a translation warning.
      const { body } = toOpenaiRequest(request, stream, requestSettings);
      return upstreamCall(request.model, JSON.stringify(body));
    },
    callHot(request, model, stream) {
      return upstreamCall(model, hotRequestBody(request, model, stream, requestSettings));
    },
    completionParts,
    maxResponseBytes: MAX_RESPONSE_BYTES,
  };

  return {
    specificationVersion: "v1",
    name: settings.name,
    type: settings.type,
    ...(settings.local === true && { local: true }),
    ...(settings.nativeBatchesUrl !== undefined && {
      batches: createNativeBatches({ name: settings.name, baseUrl: settings.nativeBatchesUrl, headers: settings.headers, dispatcher }),
    }),

    async stream(request: ChatRequest, options: CallOptions): Promise<AsyncIterable<StreamPart>> {
      const streaming = options.stream ?? true;
      const { body, warnings } = toOpenaiRequest(request, streaming, requestSettings);
      const response = await post(settings.url(request.model, "chat/completions"), body, options);
      if (streaming) {
        return prependWarnings(warnings, openaiEventsToParts(readServerSentEvents(response.body), settings.name, options.signal));
      }
      return prependWarnings(warnings, completionParts(await readBounded(response.body, MAX_RESPONSE_BYTES)));
    },

    openaiChat,

    async embed(request: EmbeddingRequest, options: CallOptions): Promise<EmbeddingResponse> {
      const body: Record<string, unknown> = { model: request.model, input: request.input };
      if (request.dimensions !== undefined) body.dimensions = request.dimensions;
      if (request.user !== undefined) body.user = request.user;
      const response = await post(settings.url(request.model, "embeddings"), body, options);
      const parsed = embeddingResponseSchema.safeParse(safeJson(await readBounded(response.body, MAX_RESPONSE_BYTES)));
      if (!parsed.success) {
        throw new SwitchyardError("SWY_ERR_UPSTREAM_ERROR", `${settings.name}: unreadable embeddings response`);
      }
      const sorted = [...parsed.data.data].sort((a, b) => a.index - b.index);
      const inputTokens = parsed.data.usage?.prompt_tokens ?? 0;
      return {
        model: parsed.data.model ?? request.model,
        embeddings: sorted.map((item) => item.embedding),
        usage: { inputTokens, outputTokens: 0 },
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
