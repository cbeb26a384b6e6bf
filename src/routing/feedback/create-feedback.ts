import type { RouteRegistrar } from "../../http/route-registrar.js";
import type { ChatMiddleware } from "../../gateway/pipeline.js";
import type { Logger } from "../../observability/logger.js";
import type { Storage } from "../../storage/database.js";
import type { ModelRegistry } from "../model-registry.js";
import { feedbackRoutes } from "./feedback-route.js";
import { createSampleMiddleware } from "./sample-middleware.js";
import { startSampleRetention } from "./sample-retention.js";
import { RoutingSampleStore } from "./sample-store.js";

export interface RoutingFeedback {
  readonly store: RoutingSampleStore;
  /** Innermost chat middleware: stores samples for auto models with `collect_samples`. */
  readonly middleware: ChatMiddleware;
  /** `POST /v1/feedback`. */
  readonly routes: RouteRegistrar;
  /** Stops the hourly retention sweep. */
  close(): void;
}

/** The retraining loop's gateway side: samples of routed traffic and the feedback that rates them. */
export function createRoutingFeedback(options: { storage: Storage; models: ModelRegistry; logger: Logger; flushUsage: () => Promise<void> }): RoutingFeedback {
  const store = new RoutingSampleStore(options.storage.db);
  const sampling = options.models.list().some((entry) => entry.auto?.collectSamples);
  const retention = sampling ? startSampleRetention({ store, models: options.models, logger: options.logger }) : undefined;
  return {
    store,
    middleware: createSampleMiddleware({ store, models: options.models, logger: options.logger }),
    routes: feedbackRoutes({ store, flushUsage: options.flushUsage }),
    close: () => retention?.stop(),
  };
}
