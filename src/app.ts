import type { FastifyInstance } from "fastify";
import { createServer } from "./api/server.js";
import type { RouteRegistrar } from "./http/route-registrar.js";
import { AreaRegistry } from "./app/area-registry.js";
import type { Area } from "./app/area.js";
import { lateBinding } from "./app/late-binding.js";
import type { CacheEmbedder } from "./cache/semantic-cache.js";
import { registerAdminAudit } from "./control/audit/audit-hooks.js";
import { loadConfigFile, parseConfig } from "./config/load.js";
import { resolveConfig, type Runtime } from "./config/resolve.js";
import { ConfigReloader } from "./config/reloader.js";
import { ConfigOverlayStore } from "./config/overlay-store.js";
import { InFlightRequests } from "./config/in-flight.js";
import { runtimeConfigRoutes } from "./api/admin/runtime-config-routes.js";
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
  /** Re-reads the config file (SIGHUP, `POST /admin/config/reload`) and applies admin API changes. */
  reloader: ConfigReloader;
  close(): Promise<void>;
}

/** Config -> runtime -> areas -> gateway -> HTTP server; nothing listens until `server.listen`. */
export async function createApp(options: AppOptions = {}): Promise<App> {
  const env = options.env ?? process.env;
  const readFile = () =>
    options.config !== undefined
      ? { config: parseConfig(options.config, "config object"), source: "config object" }
      : loadConfigFile({ path: options.configPath, env });
  const loaded = readFile();
  const logger = options.logger ?? createLogger(loaded.config.server.log_level);
  const areas = new AreaRegistry();
  const control = await openControlPlane({ config: loaded.config, env, logger });
  await areas.open(() => ({ name: "control-store", close: () => control.close() }));
  // Credentials stored through the admin API answer env:NAME references; the real environment wins.
  const environment = async () => ({ ...(await control.credentialEnvironment()), ...env });
  const configEntries = new ConfigOverlayStore(control.storage);
  const runtime = await areas.open(async () => {
    // Providers and models added through the admin API are laid over the file's.
    const overlay = await configEntries.overlay();
    const resolved = resolveConfig(ConfigReloader.merge(loaded.config, overlay, loaded.source), {
      logger,
      env: await environment(),
      source: loaded.source,
      referencesOnly: new Set(Object.keys(overlay.providers)),
    });
    return { name: "runtime", runtime: resolved, close: () => resolved.close() };
  });
  // Reloads swap the runtime's contents; what they retire closes once the requests that started before have ended.
  const inFlight = new InFlightRequests();
  const runtimeConfig = await areas.open(() => {
    const reloader = new ConfigReloader(runtime.runtime, loaded, { readFile, readOverlay: () => configEntries.overlay(), environment, inFlight, logger });
    return { name: "runtime-config", reloader, routes: runtimeConfigRoutes({ reloader, entries: configEntries, runtime: runtime.runtime }), close: () => inFlight.flush() };
  });
  const controlArea = await areas.open(() => {
    const pieces = control.bind(runtime.runtime);
    return { name: "control", pieces, middleware: pieces.middlewares, callMiddleware: pieces.middlewares, routes: controlPlaneRoutes(control), close: () => undefined };
  });
  const observability = await areas.open(async () => {
    const opened = await createObservability(loaded.config.telemetry, logger);
    return { ...opened, name: "observability", close: () => opened.close() };
  });
  // The cache and knowledge areas embed through the gateway, which is built from their middleware.
  const embed = lateBinding<CacheEmbedder>("the gateway's embeddings");
  const cache = await areas.open(async () => {
    const opened = await createResponseCache(loaded.config, {
      env,
      logger,
      onLookup: (result) => observability.metrics?.cacheLookups.inc({ result }),
      embed: embed.call,
      models: runtime.runtime.models,
    });
    return { name: "cache", cache: opened, middleware: opened?.middleware, close: () => opened?.close() };
  });
  const customization = await areas.open(async () => {
    const opened = await createCustomization(runtime.runtime, { storage: control.storage, env });
    return { ...opened, name: "customization", close: () => opened.close() };
  });
  const knowledge = await areas.open(() => ({
    ...createKnowledge({
      storage: control.storage,
      embed: embed.call,
      readFile: (projectId, fileId) => customization.files.content(projectId, fileId),
      baseForModel: (model) => customization.deployments.get(model)?.spec.knowledge_base,
    }),
    name: "knowledge",
    close: () => undefined,
  }));
  const guardrails = await areas.open(async () => {
    const opened = await createGuardrails(runtime.runtime, {
      env,
      storage: control.storage,
      deploymentPolicy: (model) => customization.deployments.get(model)?.spec.guardrails,
      deploymentTargets: (model) => {
        const spec = customization.deployments.get(model)?.spec;
        return spec && (spec.variants?.map((variant) => variant.model) ?? (spec.model === undefined ? undefined : [spec.model]));
      },
    });
    return { name: "guardrails", guardrails: opened, middleware: opened?.middleware, callMiddleware: opened?.middleware, routes: opened?.routes, close: () => opened?.close() };
  });
  const feedback = await areas.open(() => ({
    ...createRoutingFeedback({ storage: control.storage, models: runtime.runtime.models, logger, flushUsage: () => control.ledger.flush() }),
    name: "routing-feedback",
  }));
  const routing = await areas.open(async () => {
    const engine = await createRoutingEngine(runtime.runtime, env);
    return { name: "routing", engine, routes: registerRoutingAdminRoutes, close: () => engine.close() };
  });
  const extra: Area = { name: "app-options", middleware: options.middlewares ?? [], routes: combineRoutes(options.routes ?? []), close: () => undefined };
  await areas.open(() => extra);

  // Observability is outermost (it sees cache hits too). Retrieval and deployments run before the
  // guardrails, so the document text, system prompt and variable values they add are masked like
  // the caller's own before any provider sees it (the deployment records the name called, which
  // picks its policy); the cache then keys on the result. Routing samples sit innermost: they see
  // the request as the router scores it, and cache hits skip them.
  const pipeline: Area[] = [observability, controlArea, extra, knowledge, customization, guardrails, cache, feedback];
  const gateway = new Gateway(runtime.runtime, {
    middlewares: areas.middlewares(pipeline),
    routing: routing.engine,
    authenticator: controlArea.pieces.authenticator,
    // Embeddings and text completions are limited, metered and guarded like chat, and answer deployment names.
    callMiddlewares: areas.callMiddlewares([controlArea, guardrails]),
    aliasModel: (name, user) => deploymentModel(customization.deployments, name, user),
  });
  embed.bind((request, principal, signal, requestId) => gateway.embed(request, principal, signal, requestId));
  const server = await areas.open(async () => {
    const created = await createServer(gateway, {
      routes: areas.routes(),
      observe: (app) => observability.register(app),
      hooks: [(app) => registerAdminAudit(app, control.audit, logger), (app) => countInFlight(app, inFlight)],
    });
    return { name: "server", server: created, close: () => created.close() };
  });
  return {
    runtime: runtime.runtime,
    gateway,
    server: server.server,
    observability,
    cache: cache.cache,
    control,
    guardrails: guardrails.guardrails,
    customization,
    knowledge,
    reloader: runtimeConfig.reloader,
    close: () => areas.close(),
  };
}

/** Every request counts against the runtime generation it started on, until its response has closed. */
function countInFlight(app: FastifyInstance, inFlight: InFlightRequests): void {
  app.addHook("onRequest", (_request, reply, done) => {
    reply.raw.once("close", inFlight.enter());
    done();
  });
}

function combineRoutes(registrars: readonly RouteRegistrar[]): RouteRegistrar {
  return async (app, gateway) => {
    for (const register of registrars) await register(app, gateway);
  };
}
