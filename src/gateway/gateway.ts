import { SwitchyardError } from "../core/errors.js";
import type { CompletionRequest, EmbeddingRequest, EmbeddingResponse } from "../core/types.js";
import type { ModelEntry, ModelRegistry } from "../routing/model-registry.js";
import type { RoutingEngine } from "../routing/engine.js";
import type { Authenticator } from "./auth.js";
import { modelScope, type GatewayContext, type Principal } from "./context.js";
import { composeChat, type ChatHandler, type ChatMiddleware, type ChatResult } from "./pipeline.js";
import { PlainCalls, type CallMeta, type CompletionCall } from "./plain-calls.js";

export interface GatewayOptions {
  /** The public model names (the runtime's registry: the same object across config reloads). */
  models: ModelRegistry;
  authenticator: Authenticator;
  /** Breakers and balancing state. */
  routing: RoutingEngine;
  middlewares?: ChatMiddleware[];
  /** Middleware for embeddings and text completions (limits, metering); chat-only concerns stay out. */
  callMiddlewares?: ChatMiddleware[];
  /** A public name another model stands for (a deployment), for calls that skip the chat chain. */
  aliasModel?: (name: string, principal: Principal, user: string | undefined) => string | undefined;
}

/** The request path between the edges and the providers: auth, middleware, routing. */
export class Gateway {
  readonly authenticator: Authenticator;
  readonly routing: RoutingEngine;
  private readonly middlewares: ChatMiddleware[];
  private handler: ChatHandler;
  private names: readonly string[];
  private readonly calls: PlainCalls;

  readonly models: ModelRegistry;

  constructor(options: GatewayOptions) {
    this.models = options.models;
    this.authenticator = options.authenticator;
    this.middlewares = [...(options.middlewares ?? [])];
    this.routing = options.routing;
    this.handler = composeChat(this.middlewares, (context) => this.route(context));
    this.names = this.middlewares.map((middleware) => middleware.name);
    const alias = options.aliasModel;
    this.calls = new PlainCalls(options.callMiddlewares ?? [], (name, principal, user) => {
      const entry = this.resolveModel(name, principal);
      const target = alias?.(name, principal, user);
      // The allow-list and ownership apply to the model a deployment maps to as well as to its name.
      return target === undefined || target === name ? entry : this.resolveModel(target, principal);
    });
  }

  /** Adds a middleware at the inner end of the chain (closest to the providers). */
  use(middleware: ChatMiddleware): void {
    this.middlewares.push(middleware);
    this.handler = composeChat(this.middlewares, (context) => this.route(context));
    this.names = this.middlewares.map((item) => item.name);
  }

  /** The chat chain's middleware, outermost first (the OpenAI edge's fast path checks what it may stand in for). */
  get middlewareNames(): readonly string[] {
    return this.names;
  }

  chat(context: GatewayContext): Promise<ChatResult> {
    return this.handler(context);
  }

  /**
   * Resolves a public model name for a caller: another project's own models (fine-tunes) do not
   * exist for it, and its key's allow-list must name the model.
   */
  resolveModel(name: string, principal: Principal): ModelEntry {
    const entry = this.models.resolve(name, modelScope(principal));
    if (principal.allowedModels && !principal.allowedModels.includes(name)) {
      throw new SwitchyardError("SWY_ERR_FORBIDDEN", `This key may not use the model '${name}'.`, { param: "model" });
    }
    return entry;
  }

  /** Embeddings through the call middleware; a deployment name embeds with its model. */
  async embed(request: EmbeddingRequest, principal: Principal, signal: AbortSignal, requestId: string): Promise<EmbeddingResponse> {
    const { responseHeaders: _headers, ...response } = await this.calls.embed(request, { principal, signal, requestId });
    return response;
  }

  /** Embeddings with the response headers (rate limits, budget) the edge should send. */
  embedCall(request: EmbeddingRequest, meta: CallMeta): ReturnType<PlainCalls["embed"]> {
    return this.calls.embed(request, meta);
  }

  /** A text completion (`/v1/completions`) through the call middleware; parts stream as the provider sends them. */
  complete(request: CompletionRequest, meta: CallMeta, stream: boolean): Promise<CompletionCall> {
    return this.calls.complete(request, meta, stream);
  }

  private route(context: GatewayContext): Promise<ChatResult> {
    return this.routing.route(context, this.resolveModel(context.request.model, context.principal));
  }
}
