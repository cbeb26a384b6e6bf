import { join, resolve } from "node:path";
import type { ChangeBus } from "../cluster/change-bus.js";
import type { ControlPlane } from "../control/control-plane.js";
import type { FileStore } from "../customization/files/file-store.js";
import type { DetectorSet } from "../guardrails/detectors/index.js";
import { datasetRoutes } from "./datasets/dataset-routes.js";
import type { ChatMiddleware } from "../gateway/pipeline.js";
import type { RouteRegistrar } from "../http/route-registrar.js";
import type { Logger } from "../observability/logger.js";
import type { JournaledWriter } from "../storage/journal/journaled-writer.js";
import type { LoggingConfig } from "./config-schema.js";
import { feedbackSummaryRoutes } from "./feedback-summary.js";
import { createLogMiddlewares } from "./log-middleware.js";
import { startLogRetention } from "./log-retention.js";
import { logRoutes } from "./log-routes.js";
import { LogSettings } from "./log-settings.js";
import { LogStore } from "./log-store.js";
import { createLogWriter, type LogRow } from "./log-writer.js";
import { settingsRoutes } from "./settings-routes.js";

/**
 * The request log as the app assembles it (docs/logs.md): the store, its middleware, `/admin/logs`,
 * per-project settings, rating summaries and datasets built from traffic. The API other areas
 * build on is `store`, `writer`, `settings` and `buildDataset` (src/logs/datasets/build-dataset.ts).
 */
export interface RequestLogs {
  readonly name: "logs";
  /** Queries and deletions of stored requests. */
  readonly store: LogStore;
  /** The journaled write path; `flush()` before reading what just happened. */
  readonly writer: JournaledWriter<LogRow>;
  readonly settings: LogSettings;
  /** Outer: right inside metering (writes the row). */
  readonly middleware: ChatMiddleware;
  /** Wire: right inside the guardrails (sees what leaves and what comes back). */
  readonly wireMiddleware: ChatMiddleware;
  readonly routes: RouteRegistrar;
  /** Deletes expired rows now (the sweep also runs hourly); returns how many went. */
  sweep(): Promise<number>;
  close(): Promise<void>;
}

export interface RequestLogsOptions {
  control: ControlPlane;
  config: LoggingConfig;
  dataDir: string;
  logger: Logger;
  /** Tells every node when a project's settings change. */
  bus?: ChangeBus;
  /** Where datasets built from the log are stored, and the detectors that re-check them. */
  datasets: { files: FileStore; detectors: DetectorSet; maxTokensPerExample: number };
}

export async function createRequestLogs(options: RequestLogsOptions): Promise<RequestLogs> {
  const { control, config, logger } = options;
  const db = control.storage.db;
  const settings = new LogSettings(db, config, logger, options.bus);
  await settings.start();
  const store = new LogStore(db, control.storage.dialect);
  const writer = createLogWriter({ db, journalDir: join(resolve(options.dataDir), "request-log-journal"), config, logger });
  try {
    const replayed = await writer.start();
    if (replayed > 0) logger.info({ rows: replayed }, "request log rows replayed from the journal");
  } catch (error) {
    settings.stop();
    throw error;
  }
  const retention = startLogRetention({ store, settings, logger });
  const { outer, wire } = createLogMiddlewares({ settings, writer, config, logger });
  const registrars: RouteRegistrar[] = [
    logRoutes({ store, writer }),
    settingsRoutes({ settings, projects: control.projects }),
    feedbackSummaryRoutes(db, () => control.ledger.flush()),
    datasetRoutes({ store, writer, ...options.datasets }),
  ];
  return {
    name: "logs",
    store,
    writer,
    settings,
    middleware: outer,
    wireMiddleware: wire,
    routes: async (app, gateway) => {
      for (const register of registrars) await register(app, gateway);
    },
    sweep: () => store.purge(settings.retention()),
    async close() {
      retention.stop();
      settings.stop();
      await writer.close();
    },
  };
}
