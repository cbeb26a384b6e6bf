import type { FastifyInstance } from "fastify";
import { createId, unixSeconds } from "../../core/ids.js";
import { collectStream } from "../../gateway/collect.js";
import type { Gateway } from "../../gateway/gateway.js";
import { toSwitchyardError } from "../../core/errors.js";
import { errorBody } from "../../http/wire-error.js";
import { createGatewayContext, routeHeaders } from "../request-context.js";
import { writeSse, type SseEncoder } from "../sse.js";
import { parseBody } from "../../http/parse-body.js";
import { toChatCompletion } from "./response.js";
import { chatCompletionRequestSchema } from "./schema.js";
import { OpenaiChunkEncoder } from "./stream.js";
import { chatCompletionToCanonical } from "./to-canonical.js";

export function registerOpenaiChatRoute(app: FastifyInstance, gateway: Gateway): void {
  app.post("/v1/chat/completions", async (request, reply) => {
    const body = parseBody(chatCompletionRequestSchema, request.body);
    const canonical = chatCompletionToCanonical(body, request.body as Record<string, unknown>);
    const stream = body.stream === true;
    const context = createGatewayContext(request, reply, "openai", canonical, stream);
    const result = await gateway.chat(context);
    const meta = { id: createId("chatcmpl-"), model: body.model, created: unixSeconds() };
    if (!stream) {
      const response = await collectStream(result.stream);
      void reply.headers(routeHeaders(context));
      return toChatCompletion(response, meta);
    }
    reply.hijack();
    await writeSse(reply.raw, routeHeaders(context), result.stream, openaiSseEncoder(meta, body.stream_options?.include_usage === true));
    return reply;
  });
}

export function openaiSseEncoder(meta: { id: string; model: string; created: number }, includeUsage: boolean): SseEncoder {
  const chunks = new OpenaiChunkEncoder(meta, includeUsage);
  return {
    frames: (part) => chunks.frames(part),
    end: () => chunks.finish(),
    error(error) {
      return `data: ${JSON.stringify(errorBody(toSwitchyardError(error), "openai"))}\n\n`;
    },
  };
}
