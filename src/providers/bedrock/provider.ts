import type { Dispatcher } from "undici";
import { SwitchyardError } from "../../core/errors.js";
import type { ChatRequest, EmbeddingRequest, EmbeddingResponse, StreamPart } from "../../core/types.js";
import type { CallOptions, ProviderAdapter } from "../contract.js";
import { createDispatcher, readBounded, sendUpstream } from "../shared/http.js";
import { embedWithBedrock } from "./embed.js";
import { bedrockErrorMessage } from "./errors.js";
import { readEventStream } from "./event-stream.js";
import { toBedrockRequest } from "./request.js";
import { converseResponseToParts } from "./response.js";
import type { SignedRequest } from "./signer.js";
import { converseEventsToParts } from "./stream.js";
import { converseResponseSchema } from "./wire.js";
import { prependWarnings, safeJson } from "../shared/parts.js";

export interface BedrockSettings {
  name: string;
  /** Endpoint root, e.g. `https://bedrock-runtime.us-east-1.amazonaws.com`. */
  endpoint: string;
  sign(url: string, body: string, headers: Record<string, string>): Promise<SignedRequest>;
  headers?: Record<string, string>;
  models?: string[];
}

const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export function createBedrockProvider(settings: BedrockSettings): ProviderAdapter {
  const dispatcher: Dispatcher = createDispatcher();
  const modelUrl = (model: string, operation: "converse" | "converse-stream" | "invoke") =>
    `${settings.endpoint}/model/${encodeURIComponent(model)}/${operation}`;

  async function post(url: string, body: unknown, accept: string, options: CallOptions) {
    const text = JSON.stringify(body);
    const signed = await settings.sign(url, text, { "content-type": "application/json", accept, ...settings.headers });
    return sendUpstream({
      provider: settings.name,
      url,
      headers: signed.headers,
      body: text,
      signal: options.signal,
      dispatcher,
      errorMessage: bedrockErrorMessage,
    });
  }

  return {
    specificationVersion: "v1",
    name: settings.name,
    type: "bedrock",

    async stream(request: ChatRequest, options: CallOptions): Promise<AsyncIterable<StreamPart>> {
      const streaming = options.stream ?? true;
      const { body, warnings, jsonTool, jsonWrapped } = toBedrockRequest(request);
      if (streaming) {
        const response = await post(modelUrl(request.model, "converse-stream"), body, "application/vnd.amazon.eventstream", options);
        const parts = converseEventsToParts(readEventStream(response.body), settings.name, { jsonTool, jsonWrapped, signal: options.signal });
        return prependWarnings(warnings, parts);
      }
      const response = await post(modelUrl(request.model, "converse"), body, "application/json", options);
      const text = await readBounded(response.body, MAX_RESPONSE_BYTES);
      const parsed = converseResponseSchema.safeParse(safeJson(text));
      if (!parsed.success) {
        throw new SwitchyardError("SWY_ERR_UPSTREAM_ERROR", `${settings.name}: unreadable response body`, {
          upstream: { provider: settings.name, body: text.slice(0, 2000) },
        });
      }
      return prependWarnings(warnings, converseResponseToParts(parsed.data, jsonTool, jsonWrapped));
    },

    async embed(request: EmbeddingRequest, options: CallOptions): Promise<EmbeddingResponse> {
      return embedWithBedrock(request, settings.name, async (body) => {
        const response = await post(modelUrl(request.model, "invoke"), body, "application/json", options);
        return { text: await readBounded(response.body, MAX_RESPONSE_BYTES), headers: response.headers };
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
