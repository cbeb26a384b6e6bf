import type { FastifyInstance } from "fastify";
import { createId } from "../../core/ids.js";
import { collectStream } from "../../gateway/collect.js";
import type { Gateway } from "../../gateway/gateway.js";
import { createGatewayContext, routeHeaders } from "../request-context.js";
import { writeSse } from "../sse.js";
import { parseBody } from "../../http/parse-body.js";
import { estimateInputTokens } from "./count-tokens.js";
import { toAnthropicMessage } from "./response.js";
import { countTokensRequestSchema, messagesRequestSchema } from "./schema.js";
import { AnthropicEventEncoder } from "./stream.js";
import { messagesToCanonical } from "./to-canonical.js";

/** The Anthropic-compatible edge: `POST /v1/messages` and `POST /v1/messages/count_tokens`. */
export function registerAnthropicRoutes(app: FastifyInstance, gateway: Gateway): void {
  app.post("/v1/messages", async (request, reply) => {
    const body = parseBody(messagesRequestSchema, request.body);
    const stream = body.stream === true;
    const context = createGatewayContext(request, reply, "anthropic", messagesToCanonical(body), stream);
    const result = await gateway.chat(context);
    const meta = { id: createId("msg_"), model: body.model };
    if (!stream) {
      const response = await collectStream(result.stream);
      void reply.headers(routeHeaders(context));
      return toAnthropicMessage(response, meta);
    }
    reply.hijack();
    await writeSse(reply.raw, routeHeaders(context), result.stream, new AnthropicEventEncoder(meta));
    return reply;
  });

  app.post("/v1/messages/count_tokens", async (request) => {
    const body = parseBody(countTokensRequestSchema, request.body);
    // Unknown or forbidden models are refused here as they would be on /v1/messages.
    gateway.resolveModel(body.model, request.principal);
    return { input_tokens: await estimateInputTokens(body) };
  });
}
