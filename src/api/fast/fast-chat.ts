import type { IncomingMessage, ServerResponse } from "node:http";
import { toSwitchyardError } from "../../core/errors.js";
import { createId, createTimeOrderedId, unixSeconds } from "../../core/ids.js";
import type { StreamPart } from "../../core/types.js";
import type { InFlightRequests } from "../../config/in-flight.js";
import type { LimitSettlement } from "../../control/limits/limits-middleware.js";
import { NANO } from "../../control/limits/limit-plan.js";
import type { Outcome } from "../../control/usage/metering-middleware.js";
import { StreamMeter } from "../../control/usage/stream-meter.js";
import type { PriceBook } from "../../control/pricing/price-book.js";
import { credentialFromHeaders } from "../../gateway/auth.js";
import { PartCollector } from "../../gateway/collect.js";
import type { GatewayContext, Principal } from "../../gateway/context.js";
import type { Gateway } from "../../gateway/gateway.js";
import { noteFact } from "../../observability/chat-middleware.js";
import type { Logger } from "../../observability/logger.js";
import type { GatewayMetrics } from "../../observability/metrics.js";
import { requestFacts } from "../../observability/request-facts.js";
import { observeRequest } from "../../observability/request-log.js";
import { runRoutes } from "../../routing/fallback.js";
import type { ModelEntry } from "../../routing/model-registry.js";
import { chatCompletionToCanonical } from "../openai/to-canonical.js";
import { toChatCompletion } from "../openai/response.js";
import { openaiSseEncoder } from "../openai/routes.js";
import { routeHeaders } from "../request-context.js";
import { SseSink } from "../sse.js";
import { renderError } from "./render-error.js";
import { connectionSignal } from "./connection-signal.js";
import { openFastAttempt, type FastAttempt } from "./fast-attempt.js";
import { hotRequest, type HotRequest } from "./hot-request.js";

export const FAST_ROUTE = "/v1/chat/completions";

/**
 * The middleware the fast path stands in for, each where it would do nothing but watch: metering
 * (done here, the same row), limits (the same reservation and settlement, done here), knowledge
 * and deployments (only for their header or a deployment's name), routing samples (only `auto`
 * models), the request log (only where it stores nothing: `declines` sends the rest the full path).
 * Any other middleware in the chain (guardrails, cache, one added by an embedder) turns the fast path off.
 */
const STOOD_IN_FOR = new Set(["observability", "metering", "limits", "knowledge", "deployments", "routing-samples", "request-log", "request-log-wire"]);

export interface FastChatOptions {
  gateway: Gateway;
  logger: Logger;
  metrics?: GatewayMetrics;
  prices: PriceBook;
  writeUsage: (context: GatewayContext, publicModel: string, startedAt: number, outcome: Outcome) => Promise<void>;
  /** True when the name is a deployment (its prompt, variables and knowledge base need the full path). */
  isDeployment: (model: string) => boolean;
  /** The limits middleware's reservation; without it, virtual keys take the full path. */
  reserveLimits?: (context: GatewayContext) => Promise<LimitSettlement | undefined>;
  /** True when another concern needs this request on the full path (the request log stores it). */
  declines?: (principal: Principal, model: string) => boolean;
  /** Requests per runtime generation, so a config reload retires providers only once their requests are done. */
  inFlight?: InFlightRequests;
}

/**
 * The pass-through fast path of `POST /v1/chat/completions`: an OpenAI-wire request for a model
 * whose every route speaks the OpenAI wire too, with nothing configured that needs the text. It
 * skips Fastify's lifecycle, the zod parse (the hot shape is checked by hand), the middleware chain
 * and the generator per layer per part, and answers with the same encoders as the full path, so
 * the bytes are the same. Before it answers anything it decides; when in doubt it declines
 * (`handle` resolves false, nothing written) and the request takes the full path.
 */
export class FastChat {
  /** Requests this path has answered (the rest it declined to the full path). */
  served = 0;

  constructor(private readonly options: FastChatOptions) {}

  /** The chain's names last checked (the gateway makes a new list whenever its chain changes) and the verdict. */
  private checkedNames: readonly string[] | undefined;
  private namesAllowed = false;

  /** Whether the chain holds only middleware this path stands in for. */
  private chainAllows(): boolean {
    const names = this.options.gateway.middlewareNames;
    if (names !== this.checkedNames) {
      this.namesAllowed = names.every((name) => STOOD_IN_FOR.has(name));
      this.checkedNames = names;
    }
    return this.namesAllowed;
  }

  async handle(request: IncomingMessage, response: ServerResponse, body: Buffer): Promise<boolean> {
    const startedAt = performance.now();
    const headers = request.headers;
    for (const name in headers) if (name.startsWith("x-switchyard-")) return false;
    if (!this.chainAllows()) return false;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      return false;
    }
    const wire = hotRequest(parsed);
    if (!wire) return false;
    const { gateway } = this.options;
    let principal;
    try {
      const answer = gateway.authenticator.authenticate(credentialFromHeaders(headers));
      // A principal known in memory comes without a promise: no turn of the event loop for it.
      principal = answer instanceof Promise ? await answer : answer;
    } catch {
      return false;
    }
    const virtualKey = principal.keyId !== "master" && principal.keyId !== "anonymous";
    if (virtualKey && this.options.reserveLimits === undefined) return false;
    // A model outside the key's allow-list is refused by the full path, in its words.
    if (principal.allowedModels && !principal.allowedModels.includes(wire.model)) return false;
    if (this.options.isDeployment(wire.model)) return false;
    if (this.options.declines?.(principal, wire.model)) return false;
    let entry: ModelEntry;
    try {
      entry = gateway.models.resolve(wire.model);
    } catch {
      return false;
    }
    if (entry.auto || entry.routes.length === 0 || !entry.routes.every((route) => route.provider.openaiChat !== undefined)) return false;
    const canonical = chatCompletionToCanonical(wire, parsed as Record<string, unknown>);

    // Committed: from here on this path answers, as the full path would.
    const given = headers["x-request-id"];
    const requestId = typeof given === "string" && given.length > 0 && given.length <= 128 ? given : createTimeOrderedId("req_");
    const stream = wire.stream === true;
    const context: GatewayContext = {
      requestId,
      api: "openai",
      operation: "chat",
      request: canonical,
      stream,
      signal: connectionSignal(request.socket),
      startedAt: performance.now(),
      principal,
      responseHeaders: {},
      attempts: [],
      state: new Map(),
      headers,
    };
    const { logger, metrics } = this.options;
    const leave = this.options.inFlight?.enter();
    response.once("close", () => {
      leave?.();
      observeRequest({ id: requestId, method: "POST", url: request.url ?? FAST_ROUTE, route: FAST_ROUTE, principal, context }, response, startedAt, logger, metrics);
    });
    // The request id goes out with each response's own headers (below, and in `renderError`): a
    // header set ahead of `writeHead` makes Node take its slow path, validating every header twice.
    this.served++;
    void this.answer(context, entry, response, wire.stream_options?.include_usage === true, wire);
    return true;
  }

  private async answer(context: GatewayContext, entry: ModelEntry, response: ServerResponse, includeUsage: boolean, wire: HotRequest): Promise<void> {
    const publicModel = context.request.model;
    const startedAt = Date.now();
    const facts = requestFacts(context);
    const meter = StreamMeter.of(context, this.options.prices);
    let settle: LimitSettlement | undefined;
    let attempt: FastAttempt;
    try {
      settle = await this.options.reserveLimits?.(context);
      // Each attempt writes its upstream body from the inbound object (the hot shape's own writer).
      attempt = await runRoutes(context, entry, this.options.gateway.routing.services, [], (attemptContext, route, options) =>
        openFastAttempt(attemptContext, route, options, wire),
      );
    } catch (error) {
      settle?.(0, 0);
      const failure = toSwitchyardError(error);
      const written = await this.options
        .writeUsage(context, publicModel, startedAt, { status: context.signal.aborted ? "aborted" : "error", httpStatus: failure.status, errorCode: failure.code })
        .then(
          () => error,
          (writeError: unknown) => writeError,
        );
      renderError(response, written, context, this.options.logger);
      return;
    }
    // As the limits and metering middleware do at the end of a stream: settle the reservation, then write the row.
    const finish = async (outcome: Outcome) => {
      if (settle) {
        const measured = await meter.measure().catch(() => undefined);
        settle(Math.round((measured?.costUsd ?? 0) * NANO), (measured?.inputTokens ?? 0) + (measured?.outputTokens ?? 0));
      }
      await this.options.writeUsage(context, publicModel, startedAt, outcome);
    };
    const see = (part: StreamPart) => {
      meter.see(part);
      noteFact(facts, part);
    };
    const meta = { id: createId("chatcmpl-"), model: publicModel, created: unixSeconds() };
    if (!context.stream) {
      const collector = new PartCollector();
      for (const part of attempt.held) {
        see(part);
        collector.add(part);
      }
      attempt.complete();
      try {
        await finish(context.signal.aborted ? { status: "aborted", httpStatus: 499 } : { status: "success", httpStatus: 200 });
      } catch (error) {
        renderError(response, error, context, this.options.logger);
        return;
      }
      const text = JSON.stringify(toChatCompletion(collector.response(), meta));
      const headers = answerHeaders(context);
      headers["content-type"] = "application/json; charset=utf-8";
      headers["content-length"] = String(Buffer.byteLength(text));
      response.writeHead(200, headers);
      response.end(text);
      return;
    }
    const sink = new SseSink(response, answerHeaders(context), openaiSseEncoder(meta, includeUsage));
    let paused = false;
    const resume = () => {
      paused = false;
      attempt.resume();
    };
    let failed = false;
    const take = (part: StreamPart) => {
      if (failed || response.destroyed) return;
      see(part);
      if (part.type === "error") {
        failed = true;
        // The row is journaled before the response's last bytes, as metering does on the full path.
        const failure = toSwitchyardError(part.error);
        const fail = () => sink.fail(part.error);
        void finish({ status: "error", httpStatus: failure.status, errorCode: failure.code }).then(fail, fail);
        return;
      }
      if (!sink.part(part) && !paused) {
        paused = true;
        attempt.pause();
        response.once("drain", resume);
      }
    };
    for (const part of attempt.held) take(part);
    attempt.listen({
      part: take,
      end: () => {
        if (failed) return;
        const outcome: Outcome = context.signal.aborted ? { status: "aborted", httpStatus: 499 } : { status: "success", httpStatus: 200 };
        void finish(outcome).then(
          () => sink.end(),
          (error: unknown) => sink.fail(error),
        );
      },
      abandoned: () => {
        if (failed) return;
        finish({ status: "aborted", httpStatus: 499 }).catch((error: unknown) => this.options.logger.warn({ err: error }, "usage row not written"));
      },
    });
  }
}

/** The headers of an answer: the request id first, as the full path sends it, then the route's. */
function answerHeaders(context: GatewayContext): Record<string, string> {
  const headers: Record<string, string> = { "x-request-id": context.requestId };
  return Object.assign(headers, routeHeaders(context));
}
