import type { FastifyReply, FastifyRequest } from "fastify";
import { createGatewayContext, routeHeaders } from "../api/request-context.js";
import { writeSse } from "../api/sse.js";
import { SwitchyardError, toSwitchyardError } from "../core/errors.js";
import { createId } from "../core/ids.js";
import type { Message, StreamPart } from "../core/types.js";
import type { Gateway } from "../gateway/gateway.js";
import { parseBody } from "../http/parse-body.js";
import { projectOf } from "../http/project-of.js";
import { responseSettings } from "./response-object.js";
import { responseCreateSchema } from "./schema.js";
import type { ResponseStore } from "./store.js";
import { ResponseRun, responseSseEncoder } from "./stream-events.js";
import { responseToCanonical } from "./to-canonical.js";

/**
 * `POST /v1/responses`: the request becomes a canonical chat request and runs through
 * `gateway.chat`, so routing, limits, metering, guardrails, cache and logging apply exactly as for
 * `/v1/chat/completions`. A stored response is written before the client sees its last event, so
 * a `previous_response_id` sent right after the stream ends finds it.
 */
export async function createResponse(request: FastifyRequest, reply: FastifyReply, gateway: Gateway, store: ResponseStore): Promise<unknown> {
  const body = parseBody(responseCreateSchema, request.body);
  const projectId = projectOf(request);
  let history: Message[] = [];
  if (body.previous_response_id) {
    const previous = await store.get(projectId, body.previous_response_id);
    if (!previous) {
      throw new SwitchyardError("SWY_ERR_NOT_FOUND", `Previous response with id '${body.previous_response_id}' not found.`, { param: "previous_response_id" });
    }
    history = previous.conversation;
  }
  const turn = responseToCanonical(body, history);
  const stream = body.stream === true;
  const context = createGatewayContext(request, reply, "openai", turn.request, stream);
  const result = await gateway.chat(context);
  const createdAt = Date.now();
  const settings = responseSettings(body, createId("resp_"), createdAt);
  const run = new ResponseRun(settings, { includeSignatures: body.include?.includes("reasoning.encrypted_content") ?? false });
  const persist = async (response: Record<string, unknown>): Promise<void> => {
    if (!settings.store) return;
    const output = run.assembler.assistantMessage();
    await store.save({
      id: settings.id,
      projectId,
      createdAt,
      status: String(response.status),
      model: settings.model,
      previousResponseId: settings.previous_response_id,
      response,
      inputItems: turn.inputItems,
      conversation: output.content.length > 0 ? [...turn.conversation, output] : turn.conversation,
    });
  };

  if (!stream) {
    for await (const part of result.stream) {
      if (part.type === "error") throw toSwitchyardError(part.error);
      run.accept(part);
    }
    const response = run.complete();
    await persist(response);
    void reply.headers(routeHeaders(context));
    return response;
  }
  reply.hijack();
  await writeSse(reply.raw, routeHeaders(context), storedAsItEnds(result.stream, run, persist), responseSseEncoder(run));
  return reply;
}

/**
 * The parts as the SSE writer reads them: a first part that opens the stream at once (the client
 * sees `response.created` before the model's first token), then the model's, and the response
 * stored before the writer sends the closing events.
 */
async function* storedAsItEnds(parts: AsyncIterable<StreamPart>, run: ResponseRun, persist: (response: Record<string, unknown>) => Promise<void>): AsyncGenerator<StreamPart> {
  yield { type: "response-metadata" };
  for await (const part of parts) {
    if (part.type === "error") {
      // The upstream failure is what the client must hear about; a failed write of the failed response must not hide it.
      await persist(run.fail(part.error)).catch(() => undefined);
      yield part;
      return;
    }
    yield part;
  }
  await persist(run.complete());
}
