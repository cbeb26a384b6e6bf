import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from "fastify";
import { SwitchyardError } from "../core/errors.js";
import { createTimeOrderedId } from "../core/ids.js";
import { credentialFromHeaders } from "../gateway/auth.js";
import type { Gateway } from "../gateway/gateway.js";
import { registerAdminGuard } from "../http/admin-guard.js";
import { sendError, wireFormatFor } from "../http/error-reply.js";
import type { RouteRegistrar } from "../http/route-registrar.js";
import { errorBody, errorHeaders, fromHttpError } from "../http/wire-error.js";
import { registerConsole } from "./console.js";
import { registerModelRoutes, type ModelCatalog } from "./models.js";
import { registerCompletionsRoute } from "./openai/completions.js";
import { registerAnthropicRoutes } from "./anthropic/routes.js";
import { registerEmbeddingsRoute } from "./openai/embeddings.js";
import { registerOpenaiChatRoute } from "./openai/routes.js";
import { FrontDoor } from "./fast/front-door.js";
import type { FastChat } from "./fast/fast-chat.js";
import type { Logger } from "../observability/logger.js";

export interface ServerOptions {
  /** The largest request body accepted, in bytes (`server.body_limit`). */
  bodyLimit: number;
  logger: Logger;
  /** Without a master key the admin API is off. */
  masterKeyConfigured: boolean;
  /** What `GET /v1/models` lists beyond the gateway's model names. */
  catalog: ModelCatalog;
  /** More route groups (Anthropic edge, admin API, console...), registered after the core ones. */
  routes?: RouteRegistrar[];
  /** Registered first, before authentication, so every request (401s included) is logged and counted. */
  observe?: (app: FastifyInstance) => void;
  /** Root hooks registered after the admin guard and before any route (the admin audit log). */
  hooks?: Array<(app: FastifyInstance) => void>;
  /** The fast path of `POST /v1/chat/completions`, in front of Fastify (src/api/fast/). */
  fastChat?: FastChat;
}

export async function createServer(gateway: Gateway, options: ServerOptions): Promise<FastifyInstance> {
  const door = options.fastChat && new FrontDoor(options.fastChat, options.bodyLimit);
  const app = Fastify({
    ...(door && { serverFactory: door.serverFactory }),
    loggerInstance: options.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit,
    genReqId: (request) => {
      const given = request.headers["x-request-id"];
      return typeof given === "string" && given.length > 0 && given.length <= 128 ? given : createTimeOrderedId("req_");
    },
    requestTimeout: 0,
    keepAliveTimeout: 75_000,
    return503OnClosing: true,
    // Malformed URLs and over-long path parameters are answered before routing; keep them in the API's format.
    frameworkErrors: (error, request, generic) => {
      const failure = fromHttpError(error);
      const reply = generic as unknown as FastifyReply;
      void reply.code(failure.status).headers(errorHeaders(failure)).send(errorBody(failure, wireFormatFor(request.url)));
    },
  });

  // JSON only (multipart is added by the routes that take files): anything else is a clear 415.
  app.removeContentTypeParser("text/plain");
  app.decorateRequest("principal", null as unknown as never);
  app.decorateRequest("gatewayContext", undefined);
  door?.register(app);
  options.observe?.(app);

  app.addHook("onRequest", async (request, reply) => {
    // Also on the raw response: streams are written there after hijack, and clients need the id to send feedback.
    reply.raw.setHeader("x-request-id", request.id);
    void reply.header("x-request-id", request.id);
    if (!request.url.startsWith("/v1/")) return;
    request.principal = await gateway.authenticator.authenticate(credentialFromHeaders(request.headers));
  });
  registerAdminGuard(app, { authenticator: gateway.authenticator, masterKeyConfigured: options.masterKeyConfigured });
  for (const hook of options.hooks ?? []) hook(app);

  app.setErrorHandler((error, request, reply) => {
    const failure = fromHttpError(error);
    // A client that hung up aborts its upstream call; that is the client's choice, not a gateway failure.
    if (request.gatewayContext?.signal.aborted || reply.raw.destroyed) {
      request.log.info({ requestId: request.id, code: failure.code }, "client closed the connection");
    } else if (failure.status >= 500) {
      request.log.error({ err: error, requestId: request.id, code: failure.code }, "request failed");
    } else {
      request.log.debug({ requestId: request.id, code: failure.code, message: failure.message }, "request rejected");
    }
    if (reply.sent || reply.raw.headersSent) return;
    void sendError(reply, failure, request.url);
  });

  app.setNotFoundHandler((request, reply) => {
    void sendError(reply, new SwitchyardError("SWY_ERR_NOT_FOUND", `No route for ${request.method} ${request.url.split("?")[0]}.`), request.url);
  });

  app.get("/health", async () => ({ status: "ok" }));
  await registerConsole(app);
  registerModelRoutes(app, gateway, options.catalog);
  registerOpenaiChatRoute(app, gateway);
  registerEmbeddingsRoute(app, gateway);
  registerAnthropicRoutes(app, gateway);
  registerCompletionsRoute(app, gateway);
  for (const register of options.routes ?? []) await register(app, gateway);
  return app;
}
