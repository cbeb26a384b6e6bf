import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { toSwitchyardError } from "../../core/errors.js";
import { createId, unixSeconds } from "../../core/ids.js";
import type { CompletionRequest, FinishReason, StreamPart, Usage } from "../../core/types.js";
import type { Gateway } from "../../gateway/gateway.js";
import { errorBody } from "../../http/wire-error.js";
import { writeSse, type SseEncoder } from "../sse.js";
import { parseBody } from "../../http/parse-body.js";
import { toOpenaiFinishReason } from "./finish-reason.js";

/** The legacy OpenAI completions request (for base models). Unknown fields are ignored. */
export const completionRequestSchema = z.object({
  model: z.string().min(1),
  prompt: z.union([z.string(), z.array(z.string()).length(1, "one prompt per request is supported")]),
  max_tokens: z.number().int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  seed: z.number().int().nullish(),
  n: z.literal(1, "only n=1 is supported").nullish(),
  best_of: z.literal(1, "only best_of=1 is supported").nullish(),
  echo: z.literal(false, "echo is not supported").nullish(),
  logprobs: z.null("logprobs are not supported").optional(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  user: z.string().optional(),
});

type Meta = { id: string; model: string; created: number };

/** `POST /v1/completions` in OpenAI's shape, for routes whose provider implements `complete` (local base models). */
export function registerCompletionsRoute(app: FastifyInstance, gateway: Gateway): void {
  app.post("/v1/completions", async (request, reply) => {
    const body = parseBody(completionRequestSchema, request.body);
    const canonical: CompletionRequest = {
      model: body.model,
      prompt: typeof body.prompt === "string" ? body.prompt : body.prompt[0]!,
      maxOutputTokens: body.max_tokens ?? undefined,
      temperature: body.temperature ?? undefined,
      topP: body.top_p ?? undefined,
      stopSequences: body.stop == null ? undefined : typeof body.stop === "string" ? [body.stop] : body.stop,
      seed: body.seed ?? undefined,
      user: body.user,
    };
    const controller = new AbortController();
    reply.raw.once("close", () => {
      if (!reply.raw.writableFinished) controller.abort();
    });
    const call = { principal: request.principal, signal: controller.signal, requestId: request.id, headers: request.headers };
    const { stream, provider, model, responseHeaders } = await gateway.complete(canonical, call, body.stream === true);
    const meta: Meta = { id: createId("cmpl-"), model: body.model, created: unixSeconds() };
    const headers = { ...responseHeaders, "x-switchyard-provider": provider, "x-switchyard-model": model };
    if (body.stream !== true) {
      void reply.headers(headers);
      return collectCompletion(stream, meta);
    }
    reply.hijack();
    await writeSse(reply.raw, headers, stream, completionSseEncoder(meta, body.stream_options?.include_usage === true));
    return reply;
  });
}

async function collectCompletion(stream: AsyncIterable<StreamPart>, meta: Meta): Promise<Record<string, unknown>> {
  let text = "";
  let usage: Usage | undefined;
  let finish: FinishReason = { unified: "other" };
  for await (const part of stream) {
    if (part.type === "text-delta") text += part.text;
    else if (part.type === "usage") usage = part.usage;
    else if (part.type === "finish") finish = part.reason;
    else if (part.type === "error") throw toSwitchyardError(part.error);
  }
  return {
    id: meta.id,
    object: "text_completion",
    created: meta.created,
    model: meta.model,
    system_fingerprint: null,
    choices: [{ text, index: 0, logprobs: null, finish_reason: toOpenaiFinishReason(finish) }],
    usage: usage && toUsage(usage),
  };
}

function toUsage(usage: Usage) {
  return { prompt_tokens: usage.inputTokens, completion_tokens: usage.outputTokens, total_tokens: usage.inputTokens + usage.outputTokens };
}

function completionSseEncoder(meta: Meta, includeUsage: boolean): SseEncoder {
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({ id: meta.id, object: "text_completion", created: meta.created, model: meta.model, system_fingerprint: null, choices, ...extra })}\n\n`;
  let usage: Usage | undefined;
  return {
    frames(part) {
      if (part.type === "text-delta" && part.text) return chunk([{ text: part.text, index: 0, logprobs: null, finish_reason: null }]);
      if (part.type === "finish") return chunk([{ text: "", index: 0, logprobs: null, finish_reason: toOpenaiFinishReason(part.reason) }]);
      if (part.type === "usage") usage = part.usage;
      return "";
    },
    end() {
      return `${includeUsage && usage ? chunk([], { usage: toUsage(usage) }) : ""}data: [DONE]\n\n`;
    },
    error(error) {
      return `data: ${JSON.stringify(errorBody(toSwitchyardError(error), "openai"))}\n\n`;
    },
  };
}
