import { SwitchyardError } from "../core/errors.js";
import type { EmbeddingRequest, EmbeddingResponse } from "../core/types.js";
import type { Runtime } from "../config/resolve.js";
import type { ModelEntry } from "../routing/model-registry.js";
import { RoutingEngine } from "../routing/engine.js";
import type { Authenticator } from "./auth.js";
import { createMasterKeyAuthenticator } from "./auth.js";
import type { GatewayContext, Principal } from "./context.js";
import { composeChat, type ChatHandler, type ChatMiddleware, type ChatResult } from "./pipeline.js";

export interface GatewayOptions {
  middlewares?: ChatMiddleware[];
  authenticator?: Authenticator;
  /** Breakers and balancing state; defaults to in-process. */
  routing?: RoutingEngine;
}

/** The request path between the edges and the providers: auth, middleware, routing. */
export class Gateway {
  readonly authenticator: Authenticator;
  readonly routing: RoutingEngine;
  private readonly middlewares: ChatMiddleware[];
  private handler: ChatHandler;

  constructor(
    readonly runtime: Runtime,
    options: GatewayOptions = {},
  ) {
    this.authenticator = options.authenticator ?? createMasterKeyAuthenticator(runtime.masterKey);
    this.middlewares = [...(options.middlewares ?? [])];
    this.routing = options.routing ?? new RoutingEngine(runtime);
    this.handler = composeChat(this.middlewares, (context) => this.route(context));
  }

  /** Adds a middleware at the inner end of the chain (closest to the providers). */
  use(middleware: ChatMiddleware): void {
    this.middlewares.push(middleware);
    this.handler = composeChat(this.middlewares, (context) => this.route(context));
  }

  chat(context: GatewayContext): Promise<ChatResult> {
    return this.handler(context);
  }

  /** Resolves a public model name for a caller, enforcing the caller's allow-list. */
  resolveModel(name: string, principal: Principal): ModelEntry {
    if (principal.allowedModels && !principal.allowedModels.includes(name)) {
      throw new SwitchyardError("SWY_ERR_FORBIDDEN", `This key may not use the model '${name}'.`, { param: "model" });
    }
    return this.runtime.models.resolve(name);
  }

  async embed(request: EmbeddingRequest, principal: Principal, signal: AbortSignal, requestId: string): Promise<EmbeddingResponse> {
    const entry = this.resolveModel(request.model, principal);
    let lastError: unknown;
    for (const route of entry.routes) {
      if (!route.provider.embed) continue;
      try {
        return await route.provider.embed({ ...request, model: route.model }, { signal, requestId });
      } catch (error) {
        lastError = error;
        if (!(error instanceof SwitchyardError) || !error.retryable) throw error;
      }
    }
    throw lastError ?? new SwitchyardError("SWY_ERR_INVALID_REQUEST", `The model '${request.model}' does not support embeddings.`, { param: "model" });
  }

  private route(context: GatewayContext): Promise<ChatResult> {
    return this.routing.route(context, this.resolveModel(context.request.model, context.principal));
  }
}
