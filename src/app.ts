import type { FastifyInstance } from "fastify";
import { createServer } from "./api/server.js";
import type { RouteRegistrar } from "./http/route-registrar.js";
import { AreaRegistry } from "./app/area-registry.js";
import type { Area } from "./app/area.js";
import { lateBinding } from "./app/late-binding.js";
import type { CacheEmbedder } from "./cache/semantic-cache.js";
import { registerAdminAudit } from "./control/audit/audit-hooks.js";
import { loadConfigFile, parseConfig, type LoadedConfig } from "./config/load.js";
import { BuiltinProviderState } from "./config/builtin-state.js";
import { providerRoutes } from "./api/providers.js";
import { modelCardFields } from "./control/pricing/model-card.js";
import { resolveConfig } from "./config/resolve.js";
import type { Runtime } from "./app/runtime.js";
import { ConfigReloader } from "./config/reloader.js";
import { ConfigOverlayStore } from "./config/overlay-store.js";
import { InFlightRequests } from "./config/in-flight.js";
import { runtimeConfigRoutes } from "./api/admin/runtime-config-routes.js";
import { openApiRoutes } from "./api/openapi/route.js";
import type { ConfigFile } from "./config/schema.js";
import { Gateway } from "./gateway/gateway.js";
import type { ChatMiddleware } from "./gateway/pipeline.js";
import { modelScope } from "./gateway/context.js";
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
import { createBatches, type Batches } from "./batches/create-batches.js";
import { createRoutingFeedback } from "./routing/feedback/create-feedback.js";
import { createRequestLogs, type RequestLogs } from "./logs/create-logs.js";
import { detectorSetFromConfig } from "./guardrails/detectors/from-config.js";
import { createClusterNode, type ClusterNode } from "./cluster/cluster-node.js";
import { syncRuntimeConfig } from "./cluster/runtime-sync.js";
import type { ChangeMessage } from "./cluster/change-bus.js";
import { StoredRouters, STORED_ROUTER_PREFIX } from "./routing/auto/stored-routers.js";
import { routerRoutes } from "./routing/auto/router-routes.js";
import { changeTopics } from "./cluster/topics.js";
import { stableJson } from "./config/build-runtime.js";
import { FastChat } from "./api/fast/fast-chat.js";
import { usageWriter } from "./control/usage/metering-middleware.js";
import { createResponses, type Responses } from "./responses/create-responses.js";
import { createEvaluations, type Evaluations } from "./evaluations/create-evaluations.js";
import { createPromotions, type Promotions } from "./promotion/create-promotions.js";
import { runnerEvaluator } from "./promotion/evaluation-adapter.js";

export interface AppOptions {
  /** A config file path; ignored when `config` is given. */
  configPath?: string;
  /** An already-parsed (or raw) config object, for tests and embedding. */
  config?: ConfigFile | Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  middlewares?: ChatMiddleware[];
  routes?: RouteRegistrar[];
  /** Where routing draws its random numbers (weighted balancing, retry jitter); tests pass a seeded source. */
  random?: () => number;
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
  /** The Batches API and its runner. */
  batches: Batches;
  /** The stored request log (opt-in), datasets built from it and rating summaries. */
  logs: RequestLogs;
  /** Re-reads the config file (SIGHUP, `POST /admin/config/reload`) and applies admin API changes. */
  reloader: ConfigReloader;
  /** This node's name, the change bus to the other nodes, and the shared blob store. */
  cluster: ClusterNode;
  /** The fast path of POST /v1/chat/completions; absent when the config needs the full path for every request. */
  fastChat?: FastChat;
  /** `/v1/responses` and its stored responses. */
  responses: Responses;
  /** Evaluations of models on a dataset: `run`, `start`, `get`, `list`, `cancel`, `store` (docs/evaluations.md). */
  evaluations: Evaluations;
  /** Gated promotion of a candidate into an auto model's weak tier or a deployment, with rollback (docs/flywheel.md). */
  promotions: Promotions;
  close(): Promise<void>;
}

/** Config -> runtime -> areas -> gateway -> HTTP server; nothing listens until `server.listen`. */
export async function createApp(options: AppOptions = {}): Promise<App> {
  const env = options.env ?? process.env;
  const readWith = (credentials: NodeJS.ProcessEnv): Pick<LoadedConfig, "config" | "source"> & Partial<LoadedConfig> =>
    options.config !== undefined
      ? { config: parseConfig(options.config, "config object"), source: "config object" }
      : loadConfigFile({ path: options.configPath, env, builtinEnv: { ...credentials, ...env } });
  // Read once for the sections the database needs; again below, once stored credentials can be read.
  const first = readWith({});
  const logger = options.logger ?? createLogger(first.config.server.log_level);
  const areas = new AreaRegistry();
  const control = await openControlPlane({ config: first.config, env, logger });
  await areas.open(() => ({ name: "control-store", close: () => control.close() }));
  // This node's name, and how it hears the others (change bus) and shares bytes with them (blobs).
  const cluster = await areas.open(async () => {
    const node = await createClusterNode({ config: first.config, env, storage: control.storage, logger });
    return { ...node, name: "cluster", close: () => node.close() };
  });
  // Router files stored through /admin/routers: this node's copies are brought up to date before models load them.
  const storedRouters = new StoredRouters(cluster.blobs, first.config.server.data_dir);
  await storedRouters.syncToDisk();
  // Credentials stored through the admin API answer env:NAME references, and add the built-in
  // provider they are the key of; the real environment wins.
  const environment = async () => ({ ...(await control.credentialEnvironment()), ...env });
  const builtins = new BuiltinProviderState(logger);
  const readFile = async () => {
    const file = readWith(await control.credentialEnvironment());
    builtins.update(file);
    return file;
  };
  const loaded = await readFile();
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
  // Features get the narrow pieces of the runtime they use; these are the same objects across reloads.
  const { models, providers, masterKey } = runtime.runtime;
  builtins.attach(models);
  await areas.open(() => ({
    name: "providers",
    routes: providerRoutes({ providers, masterKeyConfigured: masterKey !== undefined, builtins: () => builtins.mode }),
    close: () => undefined,
  }));
  // Reloads swap the runtime's contents; what they retire closes once the requests that started before have ended.
  const inFlight = new InFlightRequests();
  const runtimeConfig = await areas.open(() => {
    const reloader = new ConfigReloader(runtime.runtime, loaded, {
      readFile,
      readOverlay: () => configEntries.overlay(),
      environment,
      inFlight,
      logger,
      changed: () => cluster.bus.publish(changeTopics.runtimeConfig),
    });
    return { name: "runtime-config", reloader, routes: runtimeConfigRoutes({ reloader, entries: configEntries, runtime: runtime.runtime }), close: () => inFlight.flush() };
  });
  await areas.open(() => {
    const refreshRouters = async (message: ChangeMessage) => {
      // A message always refreshes (on one node the file changed in place); a reconcile only when a copy changed.
      if (!(await storedRouters.syncToDisk()) && message.reason === "reconcile") return;
      const outcome = await runtimeConfig.reloader.refresh();
      if (!outcome.applied) logger.warn({ problems: outcome.problems }, "a stored router does not apply on this node; serving the previous runtime");
    };
    const stop = cluster.bus.subscribe(changeTopics.routers, refreshRouters);
    const inUse = () =>
      Object.values(runtime.runtime.config.models).flatMap((model) => (model.auto?.router.startsWith(STORED_ROUTER_PREFIX) ? [model.auto.router.slice(STORED_ROUTER_PREFIX.length)] : []));
    return { name: "stored-routers", routes: routerRoutes({ routers: storedRouters, inUse, changed: (name) => cluster.bus.publish(changeTopics.routers, name) }), close: stop };
  });
  // Stored credentials and the admin API's providers and models, changed on any node, rebuild every node's runtime.
  await areas.open(async () => {
    const stopPublishing = control.credentials.onChange((name) => cluster.bus.publish(changeTopics.credentials, name));
    const stopSync = await syncRuntimeConfig({
      bus: cluster.bus,
      fingerprint: async () => stableJson({ credentials: await control.credentialEnvironment(), overlay: await configEntries.overlay() }),
      refresh: () => runtimeConfig.reloader.refresh(),
      logger,
    });
    return {
      name: "runtime-sync",
      close: () => {
        stopPublishing();
        stopSync();
      },
    };
  });
  const controlArea = await areas.open(() => {
    const pieces = control.bind({ models, masterKey });
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
      models,
    });
    return { name: "cache", cache: opened, middleware: opened?.middleware, close: () => opened?.close() };
  });
  const customization = await areas.open(async () => {
    const opened = await createCustomization(
      {
        models,
        providers,
        fineTuning: runtime.runtime.config.fine_tuning,
        deployments: runtime.runtime.config.deployments,
        providerConfig: (name) => runtime.runtime.config.providers[name],
        dataDir: runtime.runtime.config.server.data_dir,
        logger,
      },
      { storage: control.storage, env, blobs: cluster.blobs, bus: cluster.bus, nodeId: cluster.nodeId },
    );
    return { ...opened, name: "customization", close: () => opened.close() };
  });
  const knowledge = await areas.open(() => ({
    ...createKnowledge({
      storage: control.storage,
      embed: embed.call,
      readFile: (projectId, fileId) => customization.files.content(projectId, fileId),
      baseForModel: (model, principal) => {
        const deployment = customization.deployments.visible(model, modelScope(principal));
        if (deployment?.spec.knowledge_base === undefined) return undefined;
        return { baseId: deployment.spec.knowledge_base, ownerProjectId: deployment.project_id ?? undefined };
      },
    }),
    name: "knowledge",
    close: () => undefined,
  }));
  const guardrails = await areas.open(async () => {
    const opened = createGuardrails({ config: runtime.runtime.config.guardrails, providers, models, logger }, {
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
    ...createRoutingFeedback({ storage: control.storage, models, logger, flushUsage: () => control.ledger.flush() }),
    name: "routing-feedback",
  }));
  const logs = await areas.open(() =>
    createRequestLogs({
      control,
      config: loaded.config.logging,
      dataDir: loaded.config.server.data_dir,
      logger,
      bus: cluster.bus,
      datasets: { files: customization.files, detectors: detectorSetFromConfig(loaded.config.guardrails?.detectors, { warm: false }), maxTokensPerExample: loaded.config.fine_tuning.max_tokens_per_example },
    }),
  );
  const logsWire: Area = { name: "logs-wire", middleware: logs.wireMiddleware, close: () => undefined };
  // The Responses API runs through the chat pipeline (gateway.chat), so it adds routes, not middleware.
  const responses = await areas.open(() => ({
    ...createResponses({ storage: control.storage, config: loaded.config.responses, logger }),
    name: "responses",
  }));
  const routing = await areas.open(async () => {
    const engine = createRoutingEngine({
      models,
      requestTimeoutMs: runtime.runtime.config.server.request_timeout_ms,
      redisUrl: env.REDIS_URL || runtime.runtime.config.redis.url,
      logger,
      random: options.random,
    });
    return { name: "routing", engine, routes: registerRoutingAdminRoutes, close: () => engine.close() };
  });
  await areas.open(() => ({ name: "openapi", routes: openApiRoutes, close: () => undefined }));
  const extra: Area = { name: "app-options", middleware: options.middlewares ?? [], routes: combineRoutes(options.routes ?? []), close: () => undefined };
  await areas.open(() => extra);

  // Observability is outermost (it sees cache hits too). Retrieval and deployments run before the
  // guardrails, so the document text, system prompt and variable values they add are masked like
  // the caller's own before any provider sees it (the deployment records the name called, which
  // picks its policy); the cache then keys on the result. Routing samples sit innermost: they see
  // the request as the router scores it, and cache hits skip them. The request log writes its row
  // right inside metering (same figures, and guardrail blocks are seen) and watches the wire right
  // inside the guardrails (what leaves masked, what comes back, cache hits included).
  const pipeline: Area[] = [observability, controlArea, logs, extra, knowledge, customization, guardrails, logsWire, cache, feedback];
  const gateway = new Gateway({
    models,
    middlewares: areas.middlewares(pipeline),
    routing: routing.engine,
    authenticator: controlArea.pieces.authenticator,
    // Embeddings and text completions are limited, metered and guarded like chat, and answer deployment names.
    callMiddlewares: areas.callMiddlewares([controlArea, guardrails]),
    aliasModel: (name, principal, user) => deploymentModel(customization.deployments, name, principal, user),
  });
  embed.bind((request, principal, signal, requestId) => gateway.embed(request, principal, signal, requestId));
  // Batch lines run through the finished gateway; the area closes before the stores it writes to.
  const batches = await areas.open(async () => {
    const opened = await createBatches({
      config: loaded.config.batches,
      storage: control.storage,
      files: customization.files,
      directory: control.directory,
      gateway,
      providers,
      logger,
      keyCacheMs: loaded.config.control.key_cache_ms,
      nodeId: cluster.nodeId,
      counters: control.counters,
      prices: control.prices,
      defaultOutputEstimate: loaded.config.control.default_output_estimate,
      recordUsage: (row) => control.ledger.record(row),
      // Guardrails and deployments act on each request, so their batches run on the gateway, never upstream as-is.
      needsPipeline: (model) => (guardrails.guardrails !== undefined && loaded.config.guardrails?.enabled !== false) || customization.deployments.get(model) !== undefined,
    });
    return { ...opened, name: "batches" };
  });
  // Evaluations call models through the finished gateway, as the project, marked so the request log skips them.
  const evaluations = await areas.open(async () => {
    const opened = await createEvaluations({
      storage: control.storage,
      gateway,
      readFile: (projectId, fileId) => customization.files.content(projectId, fileId),
      isDeployment: (model, principal) => customization.deployments.visible(model, modelScope(principal)) !== undefined,
      projectExists: async (projectId) => (await control.projects.find(projectId)) !== undefined,
      logger,
      nodeId: cluster.nodeId,
    });
    return { ...opened, name: "evaluations" };
  });
  // Promotion evaluates through the runner above and changes models through the same reload, router store and bus as the admin API.
  const promotions = await areas.open(() =>
    createPromotions({
      config: loaded.config.promotions,
      storage: control.storage,
      targets: {
        runtime: runtime.runtime,
        entries: configEntries,
        reloader: runtimeConfig.reloader,
        routers: storedRouters,
        deployments: customization.deployments,
        publish: (topic, payload) => cluster.bus.publish(topic, payload),
      },
      logs: { store: logs.store, flush: () => logs.writer.flush() },
      detectors: detectorSetFromConfig(loaded.config.guardrails?.detectors, { warm: false }),
      samples: feedback.store,
      audit: control.audit,
      flushUsage: () => control.ledger.flush(),
      evaluator: () => runnerEvaluator(() => evaluations),
      nodeId: cluster.nodeId,
      logger,
    }),
  );
  // The fast path stands in for the chain only where every concern in it would just watch; the
  // guardrails, the cache and span export (start-up settings, never reloaded) always need the full path.
  const fastChat =
    loaded.config.server.fast_path && !guardrails.guardrails && !cache.cache && !observability.tracing
      ? new FastChat({
          gateway,
          logger,
          metrics: observability.metrics,
          prices: control.prices,
          writeUsage: usageWriter(control.ledger, control.prices),
          reserveLimits: controlArea.pieces.reserveLimits,
          isDeployment: (model) => customization.deployments.get(model) !== undefined,
          declines: (principal) => logs.settings.shouldStore(principal.projectId ?? "", undefined),
          inFlight,
        })
      : undefined;
  const server = await areas.open(async () => {
    const created = await createServer(gateway, {
      bodyLimit: runtime.runtime.config.server.body_limit,
      logger,
      masterKeyConfigured: masterKey !== undefined,
      // Read at each call: a reload's prices and model cards show at once.
      catalog: { providers, cardFields: (name, route) => modelCardFields(runtime.runtime.config, name, route) },
      fastChat,
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
    batches,
    logs,
    reloader: runtimeConfig.reloader,
    cluster,
    fastChat,
    responses,
    evaluations,
    promotions,
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
