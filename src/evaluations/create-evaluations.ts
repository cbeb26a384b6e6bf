/** Assembles the evaluations area: store, runner (one shared concurrency limit), routes. */
import type { Principal } from "../gateway/context.js";
import type { Gateway } from "../gateway/gateway.js";
import type { RouteRegistrar } from "../http/route-registrar.js";
import type { Logger } from "../observability/logger.js";
import type { Storage } from "../storage/database.js";
import type { ReadFile } from "./dataset.js";
import { Limiter } from "./limiter.js";
import { evaluationRoutes } from "./routes.js";
import { cancelEvaluation, runEvaluation, startEvaluation, type EvaluationDeps, type RunOptions, type StartedEvaluation } from "./runner.js";
import { EvaluationStore } from "./store.js";
import type { EvaluationRecord, EvaluationSpec, EvaluationSpecInput } from "./types.js";

export interface EvaluationsOptions {
  storage: Storage;
  gateway: Gateway;
  readFile: ReadFile;
  isDeployment: (name: string, principal: Principal) => boolean;
  projectExists?: (projectId: string) => Promise<boolean>;
  logger: Logger;
  nodeId: string;
  /** Model and judge calls at once, over every evaluation of this node (default 4). */
  concurrency?: number;
  statusPollMs?: number;
}

/** `app.evaluations`: the API other areas (promotion) use; see docs/evaluations.md. */
export interface Evaluations {
  /** Runs one to its end; resolves with the final record (completed, cancelled or failed). Bad specs throw a 4xx. */
  run(spec: EvaluationSpecInput | EvaluationSpec, projectId: string, options?: RunOptions): Promise<EvaluationRecord>;
  /** Starts one in the background: the stored record now, the final one in `done`. */
  start(spec: EvaluationSpecInput | EvaluationSpec, projectId: string, options?: RunOptions): Promise<StartedEvaluation>;
  /** One of the project's (undefined: any project's); undefined when there is none. */
  get(id: string, projectId?: string): Promise<EvaluationRecord | undefined>;
  /** Newest first. */
  list(projectId: string | undefined, options?: { limit?: number; after?: string }): Promise<EvaluationRecord[]>;
  cancel(id: string): Promise<boolean>;
  store: EvaluationStore;
  routes: RouteRegistrar;
  close(): Promise<void>;
}

/** Heartbeats older than this mean the node running an evaluation is gone (PostgreSQL, several nodes). */
const STALE_MS = 60_000;

export async function createEvaluations(options: EvaluationsOptions): Promise<Evaluations> {
  const store = new EvaluationStore(options.storage.db);
  const deps: EvaluationDeps = {
    gateway: options.gateway,
    readFile: options.readFile,
    isDeployment: options.isDeployment,
    projectExists: options.projectExists,
    store,
    limiter: new Limiter(options.concurrency ?? 4),
    nodeId: options.nodeId,
    logger: options.logger,
    running: new Map(),
    statusPollMs: options.statusPollMs,
  };
  // One SQLite node has no other node that could be running them: whatever is unfinished was interrupted.
  const interrupted = await store.failInterrupted(options.storage.dialect === "sqlite" ? Number.MAX_SAFE_INTEGER : Date.now() - STALE_MS);
  if (interrupted > 0) options.logger.warn({ interrupted }, "evaluations interrupted by a restart marked failed");
  const inFlight = new Set<Promise<EvaluationRecord>>();
  const start = async (spec: EvaluationSpecInput | EvaluationSpec, projectId: string, runOptions?: RunOptions) => {
    const started = await startEvaluation(deps, spec, projectId, runOptions);
    inFlight.add(started.done);
    void started.done.finally(() => inFlight.delete(started.done));
    return started;
  };
  const evaluations: Evaluations = {
    run: async (spec, projectId, runOptions) => (await start(spec, projectId, runOptions)).done,
    start,
    get: (id, projectId) => store.get(id, projectId),
    list: (projectId, listOptions = {}) => store.list(projectId, { limit: listOptions.limit ?? 20, after: listOptions.after }),
    cancel: (id) => cancelEvaluation(deps, id),
    store,
    routes: () => undefined,
    async close() {
      deps.closing = true;
      for (const controller of deps.running.values()) controller.abort();
      await Promise.allSettled([...inFlight]);
    },
  };
  evaluations.routes = evaluationRoutes(evaluations);
  return evaluations;
}

export { runEvaluation };
