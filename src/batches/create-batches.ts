/** Assembles the batches area: store, runner, service, routes; resumes what a previous process left. */
import type { FileStore } from "../customization/files/file-store.js";
import type { KeyDirectory } from "../control/auth/key-directory.js";
import type { Gateway } from "../gateway/gateway.js";
import type { RouteRegistrar } from "../http/route-registrar.js";
import type { Logger } from "../observability/logger.js";
import type { Storage } from "../storage/database.js";
import { BatchPrincipals } from "./batch-principal.js";
import { BatchRunner } from "./batch-runner.js";
import { BatchService, type BatchExecutor } from "./batch-service.js";
import { BatchStore } from "./batch-store.js";
import type { BatchesConfig } from "./config-schema.js";
import { LiveTraffic } from "./live-traffic.js";
import { batchRoutes } from "./routes.js";

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
  logger: Logger;
  keyCacheMs: number;
  /** Builds the executor that sends batches to a provider's own batch API, if any. */
  delegate?: (service: BatchService) => BatchExecutor | undefined;
}

export async function createBatches(options: BatchesOptions): Promise<Batches> {
  const { config } = options;
  const store = new BatchStore(options.storage);
  const live = new LiveTraffic(config.yield_to_live);
  const runner: BatchRunner = new BatchRunner({
    store,
    gateway: () => options.gateway,
    principals: new BatchPrincipals(options.directory, options.keyCacheMs),
    live,
    concurrency: config.concurrency,
    drainMs: config.drain_ms,
    logger: options.logger,
    record: (id) => service.record(id),
    settle: (id) => service.settle(id),
  });
  const service: BatchService = new BatchService({ store, files: options.files, runner, maxLines: config.max_lines, logger: options.logger });
  const delegate = config.delegate ? options.delegate?.(service) : undefined;
  if (delegate) service.delegateTo(delegate);
  await service.recover();
  runner.start();
  return {
    service,
    live,
    routes: batchRoutes(service, live),
    async close() {
      await runner.close();
      await delegate?.close?.();
    },
  };
}
