import type { Dispatcher } from "undici";
import { SwitchyardError } from "../../core/errors.js";
import type { ChatRequest, StreamPart } from "../../core/types.js";
import type { CallOptions, ProviderAdapter } from "../contract.js";
import { createDispatcher, readBounded, sendUpstream } from "../shared/http.js";
import { readServerSentEvents } from "../shared/sse.js";
import { anthropicErrorMessage } from "./errors.js";
import { toAnthropicRequest, type AnthropicRequestSettings } from "./request.js";
import { anthropicMessageToParts } from "./response.js";
import { anthropicEventsToParts } from "./stream.js";
import { messageSchema } from "./wire.js";
import { prependWarnings, safeJson } from "../shared/parts.js";

export interface AnthropicSettings extends AnthropicRequestSettings {
  name: string;
  /** The Messages endpoint, e.g. `https://api.anthropic.com/v1/messages`. */
  messagesUrl: string;
  headers(): Record<string, string>;
  models?: string[];
  connectTimeoutMs?: number;
}

const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** The Anthropic Messages API behind the provider contract. */
export function createAnthropicProvider(settings: AnthropicSettings): ProviderAdapter {
  const dispatcher: Dispatcher = createDispatcher({ connectTimeoutMs: settings.connectTimeoutMs });

  return {
    specificationVersion: "v1",
    name: settings.name,
    type: "anthropic",

    async stream(request: ChatRequest, options: CallOptions): Promise<AsyncIterable<StreamPart>> {
      const streaming = options.stream ?? true;
      const { body, warnings, jsonTool } = toAnthropicRequest(request, streaming, settings);
      const response = await sendUpstream({
        provider: settings.name,
        url: settings.messagesUrl,
        headers: { "content-type": "application/json", ...settings.headers() },
        body: JSON.stringify(body),
        signal: options.signal,
        dispatcher,
        errorMessage: anthropicErrorMessage,
      });
      if (streaming) {
        const events = readServerSentEvents(response.body);
        return prependWarnings(warnings, anthropicEventsToParts(events, settings.name, { signal: options.signal, jsonTool }));
      }
      const text = await readBounded(response.body, MAX_RESPONSE_BYTES);
      const parsed = messageSchema.safeParse(safeJson(text));
      if (!parsed.success) {
        throw new SwitchyardError("SWY_ERR_UPSTREAM_ERROR", `${settings.name}: unreadable response body`, {
          upstream: { provider: settings.name, body: text.slice(0, 2000) },
        });
      }
      return prependWarnings(warnings, anthropicMessageToParts(parsed.data, jsonTool));
    },

    async listModels(): Promise<string[]> {
      return settings.models ?? [];
    },

    async close(): Promise<void> {
      await dispatcher.close();
    },
  };
}
