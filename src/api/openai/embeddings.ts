import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { EmbeddingRequest, EmbeddingResponse } from "../../core/types.js";
import type { Gateway } from "../../gateway/gateway.js";
import { parseBody } from "../../http/parse-body.js";

export const embeddingRequestSchema = z.object({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()).min(1).max(2048)]),
  dimensions: z.number().int().positive().optional(),
  encoding_format: z.enum(["float", "base64"]).optional(),
  user: z.string().optional(),
});

export type EmbeddingRequestBody = z.infer<typeof embeddingRequestSchema>;

/** The canonical request of an OpenAI embeddings body. */
export function toEmbeddingRequest(body: EmbeddingRequestBody): EmbeddingRequest {
  return {
    model: body.model,
    input: typeof body.input === "string" ? [body.input] : body.input,
    dimensions: body.dimensions,
    user: body.user,
  };
}

/** OpenAI's embeddings response body. */
export function toEmbeddingResponse(body: EmbeddingRequestBody, result: EmbeddingResponse) {
  return {
    object: "list",
    data: result.embeddings.map((embedding, index) => ({
      object: "embedding",
      index,
      embedding: body.encoding_format === "base64" ? Buffer.from(new Float32Array(embedding).buffer).toString("base64") : embedding,
    })),
    model: body.model,
    usage: { prompt_tokens: result.usage.inputTokens, total_tokens: result.usage.inputTokens },
  };
}

/** `POST /v1/embeddings` in OpenAI's shape, for every provider that implements `embed`. */
export function registerEmbeddingsRoute(app: FastifyInstance, gateway: Gateway): void {
  app.post("/v1/embeddings", async (request, reply) => {
    const body = parseBody(embeddingRequestSchema, request.body);
    const controller = new AbortController();
    reply.raw.once("close", () => {
      if (!reply.raw.writableFinished) controller.abort();
    });
    const result = await gateway.embedCall(toEmbeddingRequest(body), { principal: request.principal, signal: controller.signal, requestId: request.id, headers: request.headers });
    void reply.headers(result.responseHeaders);
    return toEmbeddingResponse(body, result);
  });
}
