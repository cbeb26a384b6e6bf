import { SwitchyardError, toSwitchyardError } from "../core/errors.js";
import { createId, createTimeOrderedId, unixSeconds } from "../core/ids.js";
import { embeddingRequestSchema, toEmbeddingRequest, toEmbeddingResponse } from "../api/openai/embeddings.js";
import { toChatCompletion } from "../api/openai/response.js";
import { chatCompletionRequestSchema } from "../api/openai/schema.js";
import { chatCompletionToCanonical } from "../api/openai/to-canonical.js";
import { collectStream } from "../gateway/collect.js";
import type { GatewayContext, Principal } from "../gateway/context.js";
import type { Gateway } from "../gateway/gateway.js";
import { parseBody } from "../http/parse-body.js";
import { errorBody } from "../http/wire-error.js";
import type { BatchEndpoint, ResultLine } from "./types.js";

/** The header a batch line carries through the pipeline, so middleware and logs can tell it from live traffic. */
export const BATCH_HEADER = "x-switchyard-batch";

/**
 * Failures that happen before a request leaves the gateway (the key's rate limit, its parallel
 * cap, a full local queue, the counter store down): the line was never sent, so it can wait and
 * run later without running twice.
 */
const NOT_SENT = new Set(["SWY_ERR_RATE_LIMITED", "SWY_ERR_QUEUE_FULL", "SWY_ERR_LIMITS_UNAVAILABLE"]);

export type LineOutcome =
  | { kind: "done"; status: "succeeded" | "failed"; result: ResultLine }
  /** Not sent; try again after this long. */
  | { kind: "later"; retryAfterMs: number };

export interface LineRequest {
  batchId: string;
  endpoint: BatchEndpoint;
  customId: string;
  body: Record<string, unknown>;
  principal: Principal;
  signal: AbortSignal;
}

/**
 * Runs one batch line through the same pipeline as a live request to its endpoint (the same
 * parsing, limits, budget, guardrails, cache, routing and metering), and renders the outcome as a
 * line of OpenAI's output or error file.
 */
export async function runLine(gateway: Gateway, line: LineRequest): Promise<LineOutcome> {
  const requestId = createTimeOrderedId("req_");
  const resultId = createId("batch_req_");
  try {
    const body = line.endpoint === "/v1/embeddings" ? await embed(gateway, line, requestId) : await chat(gateway, line, requestId);
    return { kind: "done", status: "succeeded", result: { id: resultId, custom_id: line.customId, response: { status_code: 200, request_id: requestId, body }, error: null } };
  } catch (caught) {
    const error = toSwitchyardError(caught);
    if (NOT_SENT.has(error.code) && !line.signal.aborted) return { kind: "later", retryAfterMs: Math.max(250, (error.retryAfterSeconds ?? 1) * 1000) };
    return {
      kind: "done",
      status: "failed",
      result: { id: resultId, custom_id: line.customId, response: { status_code: error.status, request_id: requestId, body: errorBody(error, "openai") }, error: null },
    };
  }
}

async function chat(gateway: Gateway, line: LineRequest, requestId: string): Promise<unknown> {
  const body = parseBody(chatCompletionRequestSchema, line.body);
  if (body.stream === true) throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "Streaming is not supported in a batch: remove 'stream'.", { param: "stream" });
  const context: GatewayContext = {
    requestId,
    api: "openai",
    operation: "chat",
    request: chatCompletionToCanonical(body, line.body),
    stream: false,
    signal: line.signal,
    startedAt: performance.now(),
    principal: line.principal,
    responseHeaders: {},
    attempts: [],
    state: new Map(),
    headers: { [BATCH_HEADER]: line.batchId },
  };
  const result = await gateway.chat(context);
  const response = await collectStream(result.stream);
  return toChatCompletion(response, { id: createId("chatcmpl-"), model: body.model, created: unixSeconds() });
}

async function embed(gateway: Gateway, line: LineRequest, requestId: string): Promise<unknown> {
  const body = parseBody(embeddingRequestSchema, line.body);
  const result = await gateway.embedCall(toEmbeddingRequest(body), { principal: line.principal, signal: line.signal, requestId, headers: { [BATCH_HEADER]: line.batchId } });
  return toEmbeddingResponse(body, result);
}
