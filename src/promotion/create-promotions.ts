/** The promotions area as the app assembles it: store, service, routes and the rollback monitor. */
import type { Kysely } from "kysely";
import type { AdminAuditStore } from "../control/audit/audit-store.js";
import type { DetectorSet } from "../guardrails/detectors/index.js";
import type { RouteRegistrar } from "../http/route-registrar.js";
import type { LogStore } from "../logs/log-store.js";
import type { Logger } from "../observability/logger.js";
import type { RoutingSampleStore } from "../routing/feedback/sample-store.js";
import type { Database, Storage } from "../storage/database.js";
import type { PromotionTargets } from "./apply-promotion.js";
import type { PromotionsConfig } from "./config-schema.js";
import type { PromotionEvaluator } from "./evaluator.js";
import { promotionRoutes } from "./promotion-routes.js";
import { PromotionService } from "./promotion-service.js";
import { PromotionStore } from "./promotion-store.js";

export interface Promotions {
  readonly name: "promotions";
  readonly store: PromotionStore;
  readonly service: PromotionService;
  readonly routes: RouteRegistrar;
  close(): Promise<void>;
}

export interface PromotionsOptions {
  config: PromotionsConfig;
  storage: Storage;
  targets: PromotionTargets;
  logs: { store: LogStore; flush(): Promise<void> };
  detectors: DetectorSet;
  samples: RoutingSampleStore;
  audit: AdminAuditStore;
  flushUsage(): Promise<void>;
  evaluator(): PromotionEvaluator;
  nodeId: string;
  logger: Logger;
}

export function createPromotions(options: PromotionsOptions): Promotions {
  const store = new PromotionStore(options.storage);
  const db: Kysely<Database> = options.storage.db;
  const service = new PromotionService({ ...options, store, db, leaseMs: options.config.lease_ms });
  let checking: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (checking) return;
    checking = service
      .check()
      .catch((error: unknown) => options.logger.warn({ error }, "promotion monitor failed"))
      .finally(() => (checking = undefined));
  }, options.config.monitor_ms);
  timer.unref();
  return {
    name: "promotions",
    store,
    service,
    routes: promotionRoutes({ service, store, deployments: options.targets.deployments }),
    async close() {
      clearInterval(timer);
      await checking;
      await service.idle();
    },
  };
}
