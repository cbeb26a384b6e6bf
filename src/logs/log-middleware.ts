import { toSwitchyardError } from "../core/errors.js";
import { createTimeOrderedId } from "../core/ids.js";
import type { StreamPart } from "../core/types.js";
import { StreamMeter } from "../control/usage/stream-meter.js";
import { isCacheHit } from "../cache/cache-hit.js";
import { deploymentCallKey } from "../customization/deployments/deployment-call.js";
import type { GatewayContext } from "../gateway/context.js";
import type { ChatMiddleware } from "../gateway/pipeline.js";
import { getState, setState, StateKey } from "../gateway/state.js";
import { guardrailsStateKey } from "../guardrails/middleware.js";
import type { Logger } from "../observability/logger.js";
import type { JournaledWriter } from "../storage/journal/journaled-writer.js";
import { clip, toLoggedRequest, type LoggedRequest, type LoggedResponse } from "./chat-format.js";
import type { LoggingConfig } from "./config-schema.js";
import { routeDecisionKey } from "../routing/auto/route-decision.js";
import type { LogSettings } from "./log-settings.js";
import type { LogRow } from "./log-writer.js";
import { StreamCapture } from "./stream-capture.js";
import { EVALUATION_HEADER } from "../evaluations/marks.js";

const CAPTURE = new StateKey<StreamCapture>("logs.capture");

interface Outcome {
  status: "success" | "error" | "aborted";
  httpStatus: number;
  errorCode?: string;
}

export interface LogMiddlewareOptions {
  settings: LogSettings;
  writer: JournaledWriter<LogRow>;
  config: LoggingConfig;
  logger: Logger;
}

function projectKeyOf(context: GatewayContext): string {
  return context.principal.projectId ?? "";
}

/**
 * A log row holds a chat's messages and answer; embeddings and text completions are metered, not
 * logged. Evaluation calls are measurements, not traffic: storing them would feed datasets built
 * from the log.
 */
function logged(context: GatewayContext, settings: LogSettings): boolean {
  if (context.headers?.[EVALUATION_HEADER] !== undefined) return false;
  return context.operation === "chat" && settings.shouldStore(projectKeyOf(context), getState(context, deploymentCallKey)?.name);
}

/**
 * The request log is two middlewares. The wire one sits right inside the guardrails: it sees the
 * request exactly as it leaves the machine (masked) and the answer exactly as it comes back (the
 * provider's or the cache's, placeholders still in), collecting the text as it streams through.
 * The outer one sits right inside metering: when the answer has passed every middleware it writes
 * the row with the figures the usage row gets (tokens, cost, latency, status), and it also records
 * requests that failed before reaching the wire (a guardrail block stores no text).
 */
export function createLogMiddlewares(options: LogMiddlewareOptions): { outer: ChatMiddleware; wire: ChatMiddleware } {
  const { settings, writer, config, logger } = options;

  const wire: ChatMiddleware = {
    name: "request-log-wire",
    async handle(context, next) {
      if (!logged(context, settings)) return next(context);
      const capture = new StreamCapture();
      capture.request = context.request;
      capture.vault = getState(context, guardrailsStateKey)?.vault;
      setState(context, CAPTURE, capture);
      const result = await next(context);
      return { stream: capture.watch(result.stream) };
    },
  };

  const outer: ChatMiddleware = {
    name: "request-log",
    async handle(context, next) {
      const called = context.request.model;
      const startedAt = Date.now();
      let result;
      try {
        result = await next(context);
      } catch (error) {
        const failure = toSwitchyardError(error);
        void write(context, called, startedAt, { status: context.signal.aborted ? "aborted" : "error", httpStatus: failure.status, errorCode: failure.code });
        throw error;
      }
      return { stream: finishing(result.stream, context, called, startedAt) };
    },
  };

  return { outer, wire };

  async function* finishing(stream: AsyncIterable<StreamPart>, context: GatewayContext, called: string, startedAt: number): AsyncGenerator<StreamPart> {
    let outcome: Outcome = { status: "aborted", httpStatus: 499 };
    let written = false;
    try {
      for await (const part of stream) {
        if (part.type === "error" && !written) {
          const failure = toSwitchyardError(part.error);
          written = true;
          void write(context, called, startedAt, { status: "error", httpStatus: failure.status, errorCode: failure.code });
        }
        yield part;
      }
      outcome = context.signal.aborted ? { status: "aborted", httpStatus: 499 } : { status: "success", httpStatus: 200 };
    } catch (error) {
      const failure = toSwitchyardError(error);
      outcome = { status: "error", httpStatus: failure.status, errorCode: failure.code };
      throw error;
    } finally {
      if (!written) void write(context, called, startedAt, outcome);
    }
  }

  /**
   * Not awaited by the stream: the row is queued for the journal while metering (outside this
   * middleware) queues the usage row, and both journals append in the same event-loop turn, which
   * metering waits for before the response ends. Awaiting it here as well cost every request one
   * more turn (bench/logs/overhead.ts: throughput on/off 0.38-0.65 awaited, 0.77 not). The price:
   * a crash in the microseconds between the two appends can lose the log row of a response whose
   * usage row survived; a clean shutdown loses none (the writer flushes what is queued).
   */
  async function write(context: GatewayContext, called: string, startedAt: number, outcome: Outcome): Promise<void> {
    const projectKey = projectKeyOf(context);
    if (!logged(context, settings)) return;
    try {
      await writer.record(await rowOf(context, projectKey, called, startedAt, outcome));
    } catch (error) {
      // The log is a record, not a gate: a failed write never fails the request.
      logger.warn({ err: error, requestId: context.requestId }, "request log row not stored");
    }
  }

  async function rowOf(context: GatewayContext, projectKey: string, called: string, startedAt: number, outcome: Outcome): Promise<LogRow> {
    const capture = getState(context, CAPTURE);
    const measured = await StreamMeter.peek(context)?.measure();
    const limit = config.max_text_chars;
    const request = capture?.request && clipRequest(toLoggedRequest(capture.request), limit);
    const response = capture?.sawAnswer ? clipResponse(capture.response(), limit) : undefined;
    const vault = capture?.vault;
    const unmaskedAllowed = settings.effective(projectKey).store_unmasked && vault !== undefined && vault.size > 0;
    const requestJson = request && JSON.stringify(request);
    const responseJson = response && JSON.stringify(response);
    return {
      id: createTimeOrderedId("log_", 20),
      request_id: context.requestId,
      project_id: projectKey,
      key_id: context.principal.keyId,
      created_at: startedAt,
      api: context.api,
      model: called,
      deployment: getState(context, deploymentCallKey)?.name ?? null,
      routed_model: capture?.request?.model ?? null,
      provider: context.route?.provider ?? null,
      upstream_model: context.route?.model ?? null,
      tier: getState(context, routeDecisionKey)?.tier ?? null,
      status: outcome.status,
      http_status: outcome.httpStatus,
      error_code: outcome.errorCode ?? null,
      stream: context.stream ? 1 : 0,
      cache_hit: isCacheHit(context) ? 1 : 0,
      input_tokens: measured?.inputTokens ?? 0,
      output_tokens: measured?.outputTokens ?? 0,
      cost_usd: measured?.costUsd ?? 0,
      latency_ms: Math.round(performance.now() - context.startedAt),
      ttft_ms: measured?.ttftMs ?? null,
      masked_values: vault?.size ?? 0,
      request_json: requestJson ?? null,
      response_json: responseJson ?? null,
      // Restoring placeholders brings back only what was masked (reversible); redacted text is gone for good.
      unmasked_request_json: unmaskedAllowed && requestJson ? vault.restore(requestJson, true) : null,
      unmasked_response_json: unmaskedAllowed && responseJson ? vault.restore(responseJson, true) : null,
      search_text: searchText(request, response),
    };
  }
}

/** Each text is cut on its own, so the stored JSON stays JSON. */
function clipRequest(request: LoggedRequest, limit: number): LoggedRequest {
  return { ...request, messages: request.messages.map((message) => ({ ...message, content: clip(message.content, limit) })) };
}

function clipResponse(response: LoggedResponse, limit: number): LoggedResponse {
  return { ...response, text: clip(response.text, limit) };
}

/** The masked text a full-text query matches: every message and the answer (never the unmasked view). */
function searchText(request: LoggedRequest | undefined, response: LoggedResponse | undefined): string {
  const parts: string[] = [];
  for (const message of request?.messages ?? []) parts.push(message.content);
  if (response) parts.push(response.text, ...(response.tool_calls ?? []).map((call) => `${call.name} ${call.arguments}`));
  return parts.filter((part) => part.length > 0).join("\n");
}
