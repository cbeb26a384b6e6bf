import type { Logger } from "../observability/logger.js";
import type { Storage } from "../storage/database.js";
import { isPostgresUrl } from "../storage/open-database.js";
import { createInProcessBus, type ChangeBus } from "./change-bus.js";
import { createPostgresBus } from "./postgres-bus.js";

/**
 * The bus that fits the database: nodes that share PostgreSQL hear each other through it; SQLite
 * means one node, so messages stay in the process.
 */
export function createChangeBus(options: { storage: Storage; databaseUrl: string | undefined; reconcileMs: number; logger: Logger }): Promise<ChangeBus> {
  const settings = {
    reconcileMs: options.reconcileMs,
    onError: (error: unknown, message: { topic: string; reason: string }) =>
      options.logger.warn({ err: error, topic: message.topic, reason: message.reason }, "change bus: a handler or the listener failed"),
  };
  if (options.storage.dialect === "postgres" && isPostgresUrl(options.databaseUrl)) return createPostgresBus(options.storage, options.databaseUrl, settings);
  return Promise.resolve(createInProcessBus(settings));
}
