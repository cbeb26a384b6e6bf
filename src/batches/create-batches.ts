/** Assembles the batches area: store, runner, service, routes; resumes what a previous process left. */
import type { FileStore } from "../customization/files/file-store.js";
import type { KeyDirectory } from "../control/auth/key-directory.js";
import type { Gateway } from "../gateway/gateway.js";
import type { RouteRegistrar } from "../http/route-registrar.js";
import type { Logger } from "../observability/logger.js";
import type { Storage } from "../storage/database.js";
import { BatchPrincipals } from "./batch-principal.js";
import { BatchRunner } from "./batch-runner.js";
import type { CounterStore } from "../control/limits/counter-store.js";
import type { PriceBook } from "../control/pricing/price-book.js";
import type { UsageRow } from "../control/usage/usage-record.js";
import { BatchBudget } from "./batch-budget.js";
import { BatchService } from "./batch-service.js";
import { NativeDelegate } from "./native-delegate.js";
import { BatchStore } from "./batch-store.js";
import type { BatchesConfig } from "./config-schema.js";
import { LiveTraffic } from "./live-traffic.js";
import { batchRoutes } from "./routes.js";
import type { ProviderAdapter } from "../providers/contract.js";

export interface Batches {
  service: BatchService;
  live: LiveTraffic;
  routes: RouteRegistrar;
  close(): Promise<void>;
}

export interface BatchesOptions {
  config: BatchesConfig;
  storage: Storage;
  files: FileStore;
  directory: KeyDirectory;
  gateway: Gateway;
  /** The runtime's providers (the same map across reloads): batches go to a provider's own batch API when it has one. */
  providers: ReadonlyMap<string, ProviderAdapter>;
  logger: Logger;
  keyCacheMs: number;
  /** This node's name in the cluster: the owner of the batches it runs. */
  nodeId: string;
  counters: CounterStore;
  prices: PriceBook;
  defaultOutputEstimate: number;
  recordUsage: (row: UsageRow) => Promise<void>;
  /** True when something in the pipeline must see each request to this model (guardrails, a deployment). */
  needsPipeline: (model: string) => boolean;
}

export async function createBatches(options: BatchesOptions): Promise<Batches> {
  const { config } = options;
  const store = new BatchStore(options.storage);
  const live = new LiveTraffic(config.yield_to_live);
  const principals = new BatchPrincipals(options.directory, options.keyCacheMs);
  const runner: BatchRunner = new BatchRunner({
    store,
    gateway: () => options.gateway,
    principals,
    live,
    concurrency: config.concurrency,
    drainMs: config.drain_ms,
    logger: options.logger,
    record: (id) => service.record(id),
    settle: (id) => service.settle(id),
  });
  const service: BatchService = new BatchService({
    store,
    files: options.files,
    runner,
    maxLines: config.max_lines,
    logger: options.logger,
    leases: { owner: options.nodeId, ms: config.lease_ms },
  });
  const delegate = config.delegate
    ? new NativeDelegate({
        service,
        store,
        runner,
        models: () => options.gateway.models,
        providers: () => options.providers,
        principals,
        budget: new BatchBudget(options.storage, options.directory, options.counters, options.prices, options.defaultOutputEstimate),
        prices: options.prices,
        recordUsage: options.recordUsage,
        needsPipeline: options.needsPipeline,
        pollMs: config.poll_interval_ms,
        logger: options.logger,
      })
    : undefined;
  if (delegate) service.delegateTo(delegate);
  await service.leaseRound();
  runner.start();
  // Renewed every third of the lease, so one slow round never loses it.
  const renewal = setInterval(() => {
    service.leaseRound().catch((error: unknown) => options.logger.warn({ err: error }, "batch lease round failed"));
  }, Math.max(10, Math.floor(config.lease_ms / 3)));
  renewal.unref();
  return {
    service,
    live,
    routes: batchRoutes(service, live),
    async close() {
      clearInterval(renewal);
      await runner.close();
      await delegate?.close();
      await service.releaseAll().catch((error: unknown) => options.logger.warn({ err: error }, "batch leases not released; they expire on their own"));
    },
  };
}
