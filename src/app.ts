import type { FastifyInstance } from "fastify";
import { createServer, type RouteRegistrar } from "./api/server.js";
import { loadConfigFile, parseConfig, type LoadedConfig } from "./config/load.js";
import { applyBuiltinProviders } from "./config/builtin-providers.js";
import { resolveConfig, type Runtime } from "./config/resolve.js";
import type { ConfigFile } from "./config/schema.js";
import { Gateway } from "./gateway/gateway.js";
import type { ChatMiddleware } from "./gateway/pipeline.js";
import { createLogger, type Logger } from "./observability/logger.js";
import { registerRoutingAdminRoutes } from "./routing/admin-routes.js";
import { createRoutingEngine } from "./routing/create-routing.js";
import { createObservability, type Observability } from "./observability/create-observability.js";
import { createResponseCache, type ResponseCache } from "./cache/create-cache.js";
import { openControlPlane, type ControlPlane } from "./control/control-plane.js";
import { controlPlaneRoutes } from "./api/admin/index.js";
import { createGuardrails, type Guardrails } from "./guardrails/create-guardrails.js";
import { createCustomization, type Customization } from "./customization/create-customization.js";
import { createKnowledge, type Knowledge } from "./knowledge/create-knowledge.js";
import { deploymentModel } from "./customization/deployments/middleware.js";
import { OpenedResources } from "./app-cleanup.js";
import { createRoutingFeedback } from "./routing/feedback/create-feedback.js";

export interface AppOptions {
  /** A config file path; ignored when `config` is given. */
  configPath?: string;
  /** An already-parsed (or raw) config object, for tests and embedding. */
  config?: ConfigFile | Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  middlewares?: ChatMiddleware[];
  routes?: RouteRegistrar[];
}

export interface App {
  runtime: Runtime;
  gateway: Gateway;
  server: FastifyInstance;
  observability: Observability;
  cache?: ResponseCache;
  /** Keys, projects, budgets, usage: the database and counters. */
  control: ControlPlane;
  /** Present when the config has a `guardrails:` section. */
  guardrails?: Guardrails;
  /** Files, datasets and fine-tuning jobs. */
  customization: Customization;
  /** Knowledge bases and retrieval-augmented chat. */
  knowledge: Knowledge;
  close(): Promise<void>;
}

/** Config -> runtime -> gateway -> HTTP server; nothing listens until `server.listen`. */
export async function createApp(options: AppOptions = {}): Promise<App> {
  const env = options.env ?? process.env;
  const loaded: Partial<LoadedConfig> & Pick<LoadedConfig, "config" | "source"> =
    options.config !== undefined ? { config: parseConfig(options.config, "config object"), source: "config object" } : loadConfigFile({ path: options.configPath, env });
  const logger = options.logger ?? createLogger(loaded.config.server.log_level);
  const control = await openControlPlane({ config: loaded.config, env, logger });
  const opened = new OpenedResources();
  opened.add(() => control.close());
  // Credentials stored through the admin API answer env:NAME references (and add the built-in
  // provider they are the key of); the real environment wins.
  const runtime = await opened.step(async () => {
    const fullEnv = { ...(await control.credentialEnvironment()), ...env };
    const builtins = applyBuiltinProviders(loaded, fullEnv);
    return resolveConfig(builtins.config, { logger, env: fullEnv, source: loaded.source, droppedBuiltins: builtins.dropped, builtins: loaded.builtins });
  });
  opened.add(() => runtime.close());
  const controlPieces = await opened.step(() => control.bind(runtime));
  const observability = await opened.step(() => createObservability(loaded.config.telemetry, logger));
  opened.add(() => observability.close());
  const cache = await opened.step(() =>
    createResponseCache(loaded.config, {
      env,
      logger,
      onLookup: (result) => observability.metrics?.cacheLookups.inc({ result }),
      // The semantic layer embeds through the gateway (routing, limits, metering), built below before any request.
      embed: (request, principal, signal, requestId) => gateway.embed(request, principal, signal, requestId),
      models: runtime.models,
    }),
  );
  opened.add(() => cache?.close());
  // Observability is outermost (it sees cache hits too); the cache is innermost, after limits and guardrails.
  const guardrails = await opened.step(() =>
    createGuardrails(runtime, {
      env,
      storage: control.storage,
      deploymentPolicy: (model) => customization.deployments.get(model)?.spec.guardrails,
      deploymentTargets: (model) => {
        const spec = customization.deployments.get(model)?.spec;
        return spec && (spec.variants?.map((variant) => variant.model) ?? (spec.model === undefined ? undefined : [spec.model]));
      },
    }),
  );
  opened.add(() => guardrails?.close());
  const customization = await opened.step(() => createCustomization(runtime, { storage: control.storage, env }));
  opened.add(() => customization.close());
  // `gateway` exists by the time anything embeds (the first request); retrieval runs outside deployments to see their names.
  const knowledge = createKnowledge({
    storage: control.storage,
    embed: (request, principal, signal, requestId) => gateway.embed(request, principal, signal, requestId),
    readFile: (projectId, fileId) => customization.files.content(projectId, fileId),
    baseForModel: (model) => customization.deployments.get(model)?.spec.knowledge_base,
  });
  // Retrieval and deployments run before the guardrails, so the document text, system prompt and
  // variable values they add are masked like the caller's own before any provider sees it (the
  // deployment records the name called, which picks its policy); the cache then keys on the result.
  const guard = guardrails ? [guardrails.middleware] : [];
  // Routing samples sit innermost: they see the request as the router scores it, and cache hits skip them.
  const feedback = createRoutingFeedback({ storage: control.storage, models: runtime.models, logger, flushUsage: () => control.ledger.flush() });
  opened.add(() => feedback.close());
  const middlewares: ChatMiddleware[] = [observability.middleware, ...controlPieces.middlewares, ...(options.middlewares ?? []), knowledge.middleware, customization.middleware, ...guard, ...(cache ? [cache.middleware] : []), feedback.middleware];
  const routing = await opened.step(() => createRoutingEngine(runtime, env));
  opened.add(() => routing.close());
  const gateway = new Gateway(runtime, {
    middlewares,
    routing,
    authenticator: controlPieces.authenticator,
    // Embeddings and text completions are limited, metered and guarded like chat, and answer deployment names.
    callMiddlewares: [...controlPieces.middlewares, ...guard],
    aliasModel: (name, user) => deploymentModel(customization.deployments, name, user),
  });
  const server = await opened.step(() => createServer(gateway, { routes: [registerRoutingAdminRoutes, controlPlaneRoutes(control), ...(guardrails ? [guardrails.routes] : []), customization.routes, knowledge.routes, feedback.routes, ...(options.routes ?? [])], observe: (app) => observability.register(app) }));
  return {
    runtime,
    gateway,
    server,
    observability,
    cache,
    control,
    guardrails,
    customization,
    knowledge,
    async close() {
      feedback.close();
      await server.close();
      await customization.close();
      await guardrails?.close();
      await control.close();
      await Promise.all([observability.close(), cache?.close()]);
      await Promise.all([runtime.close(), routing.close()]);
    },
  };
}
