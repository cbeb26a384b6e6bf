import type { RouteRegistrar } from "../http/route-registrar.js";
import type { Logger } from "../observability/logger.js";
import type { Storage } from "../storage/database.js";
import type { ResponsesConfig } from "./config-schema.js";
import { startResponseRetention } from "./retention.js";
import { responsesRoutes } from "./routes.js";
import { ResponseStore } from "./store.js";

const DAY_MS = 86_400_000;

export interface Responses {
  readonly store: ResponseStore;
  /** `/v1/responses` and its sub-resources. */
  readonly routes: RouteRegistrar;
  /** Stops the retention sweep. */
  close(): void;
}

/** OpenAI's Responses API over every model the gateway serves; it has no middleware of its own (it runs through the chat pipeline). */
export function createResponses(options: { storage: Storage; config: ResponsesConfig; logger: Logger }): Responses {
  const days = options.config.retention_days;
  const store = new ResponseStore(options.storage.db, days > 0 ? days * DAY_MS : undefined);
  const retention = days > 0 ? startResponseRetention({ store, logger: options.logger }) : undefined;
  return { store, routes: responsesRoutes(store), close: () => retention?.stop() };
}
