import type { FastifyReply, FastifyRequest } from "fastify";
import type { ChatRequest } from "../core/types.js";
import type { GatewayContext, Principal } from "../gateway/context.js";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal;
    /** The chat context of this request, for the request log and metrics. */
    gatewayContext?: GatewayContext;
  }
}

/**
 * A gateway context for one HTTP request. Its signal aborts when the client disconnects before
 * the response is finished, which cancels the upstream call.
 */
export function createGatewayContext(
  request: FastifyRequest,
  reply: FastifyReply,
  api: GatewayContext["api"],
  chatRequest: ChatRequest,
  stream: boolean,
): GatewayContext {
  const controller = new AbortController();
  const raw = reply.raw;
  raw.once("close", () => {
    if (!raw.writableFinished) controller.abort();
  });
  const context: GatewayContext = {
    requestId: request.id,
    api,
    operation: "chat",
    request: chatRequest,
    stream,
    signal: controller.signal,
    startedAt: performance.now(),
    principal: request.principal,
    responseHeaders: {},
    attempts: [],
    state: new Map(),
    headers: request.headers,
  };
  request.gatewayContext = context;
  return context;
}

/** Headers every chat response carries: which route answered. */
export function routeHeaders(context: GatewayContext): Record<string, string> {
  const headers: Record<string, string> = { ...context.responseHeaders };
  if (context.route) {
    headers["x-switchyard-provider"] = context.route.provider;
    headers["x-switchyard-model"] = context.route.model;
  }
  if (context.attempts.length > 1) headers["x-switchyard-attempts"] = String(context.attempts.length);
  return headers;
}
