import type { ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";
import { ROUTED_HEADER } from "../guardrails/route-local.js";
import type { GatewayContext, Principal } from "../gateway/context.js";
import type { Logger } from "./logger.js";
import type { GatewayMetrics } from "./metrics.js";
import { requestFacts } from "./request-facts.js";
import { writeRequestLine } from "./request-line.js";
import { isCacheHit } from "../cache/cache-hit.js";

/** Paths that scrapers and probes hit constantly: logged at debug, not info. */
const QUIET_PATHS = new Set(["/metrics", "/health"]);

/**
 * One log line and one set of metric updates per HTTP request, taken when the response closes
 * (finished or aborted), so streamed responses are covered the same way as JSON ones.
 */
export function registerRequestObservability(app: FastifyInstance, options: { logger: Logger; metrics?: GatewayMetrics }): void {
  const { logger, metrics } = options;
  app.addHook("onRequest", (request, reply, done) => {
    const startedAt = performance.now();
    reply.raw.once("close", () =>
      observeRequest(
        { id: request.id, method: request.method, url: request.url, route: request.routeOptions.url ?? "unmatched", principal: request.principal, context: request.gatewayContext },
        reply.raw,
        startedAt,
        logger,
        metrics,
      ),
    );
    done();
  });
  if (metrics) {
    app.get("/metrics", async (_request, reply) => {
      const body = await metrics.registry.metrics();
      return reply.header("content-type", metrics.registry.contentType).send(body);
    });
  }
}

/** What the request log and metrics read of one HTTP request once its response has closed. */
export interface ObservedRequest {
  id: string;
  method: string;
  url: string;
  /** The route template that matched, or `unmatched`. */
  route: string;
  principal?: Principal;
  context?: GatewayContext;
}

/** The log line and metric updates of one request; Fastify's hook and the OpenAI edge's fast path both call it. */
export function observeRequest(
  request: ObservedRequest,
  raw: ServerResponse,
  startedAt: number,
  logger: Logger,
  metrics: GatewayMetrics | undefined,
): void {
  const seconds = (performance.now() - startedAt) / 1000;
  // writableEnded, not writableFinished: in-process injected responses never report finished.
  const aborted = !raw.writableEnded;
  const status = raw.statusCode;
  const route = request.route;
  const context = request.context;
  if (metrics) {
    const http = metrics.requestSeries.httpSeries(request.method, route, status);
    http.requests.inc();
    http.duration.observe(seconds);
    if (context) observeChat(context, metrics, status, aborted, seconds);
  }
  const query = request.url.indexOf("?");
  const path = query === -1 ? request.url : request.url.slice(0, query);
  const level = QUIET_PATHS.has(path) ? "debug" : "info";
  if (!logger.isLevelEnabled(level)) return;
  const line: Record<string, unknown> = {
    requestId: request.id,
    method: request.method,
    path,
    status,
    durationMs: Math.round(seconds * 1e6) / 1000,
  };
  if (aborted) line.aborted = true;
  if (request.principal) line.keyId = request.principal.keyId;
  if (context) addChatFields(line, context);
  writeRequestLine(logger, level, line, "request completed");
}

/** The chat fields of the line, written onto it in their order (one object per line, not a second one copied over). */
function addChatFields(fields: Record<string, unknown>, context: GatewayContext): void {
  const facts = requestFacts(context);
  fields.model = context.request.model;
  fields.stream = context.stream;
  if (context.route) {
    fields.provider = context.route.provider;
    fields.upstreamModel = context.route.model;
  }
  if (facts.usage) {
    fields.inputTokens = facts.usage.inputTokens;
    fields.outputTokens = facts.usage.outputTokens;
  }
  if (facts.firstTokenAt !== undefined) fields.ttftMs = Math.round((facts.firstTokenAt - context.startedAt) * 1000) / 1000;
  if (facts.costUsd !== undefined) fields.costUsd = facts.costUsd;
  // A guardrail kept the request on this machine (`route_local`): the model above is the local one.
  const routed = context.responseHeaders[ROUTED_HEADER];
  if (routed !== undefined) fields.guardrailsRouted = routed;
  if (facts.finishReason) fields.finishReason = facts.finishReason;
  if (facts.streamError) fields.error = facts.streamError;
  if (isCacheHit(context)) fields.cache = context.responseHeaders["x-switchyard-cache"] === "semantic-hit" ? "semantic-hit" : "hit";
  if (context.attempts.length > 1 || context.attempts.some((attempt) => attempt.error)) {
    fields.attempts = context.attempts.map((attempt) => ({
      provider: attempt.provider,
      model: attempt.model,
      ...(attempt.error && { error: attempt.error }),
      ...(attempt.status !== undefined && { status: attempt.status }),
      durationMs: Math.round(attempt.durationMs * 1000) / 1000,
    }));
  }
}

function observeChat(context: GatewayContext, metrics: GatewayMetrics, status: number, aborted: boolean, seconds: number): void {
  for (const attempt of context.attempts) {
    if (attempt.error) {
      metrics.upstreamErrors.inc({ provider: attempt.provider, status: attempt.status ?? "none", code: attempt.error });
    }
  }
  const facts = requestFacts(context);
  // An unknown model name is caller-chosen text: keep it out of label values.
  const model = context.route || context.attempts.length > 0 ? context.request.model : "unresolved";
  const cacheHit = isCacheHit(context);
  const provider = cacheHit ? "cache" : (context.route?.provider ?? "none");
  const outcome = facts.streamError ?? (aborted ? "aborted" : status < 400 ? "ok" : String(status));
  const series = metrics.requestSeries.chatSeries(model, provider, context.stream, outcome);
  series.requests.inc();
  series.duration.observe(seconds);
  if (facts.firstTokenAt !== undefined) series.firstToken.observe((facts.firstTokenAt - context.startedAt) / 1000);
  const usage = facts.usage;
  if (usage && !cacheHit) {
    series.inputTokens.inc(usage.inputTokens);
    series.outputTokens.inc(usage.outputTokens);
    if (usage.cachedInputTokens) series.cachedInputTokens.inc(usage.cachedInputTokens);
    if (usage.reasoningTokens) series.reasoningTokens.inc(usage.reasoningTokens);
  }
  if (facts.costUsd !== undefined && facts.costUsd > 0) series.cost.inc(facts.costUsd);
}
