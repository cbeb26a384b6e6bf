import type { Logger } from "../../observability/logger.js";
import type { ModelRegistry } from "../model-registry.js";
import type { RoutingSampleStore } from "./sample-store.js";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * Deletes each sampling auto model's samples older than its `sample_retention_days`, with their
 * ratings. Runs once at start and then hourly; on several nodes each runs it, which is harmless
 * (a delete of rows already gone deletes nothing).
 */
export async function purgeExpiredSamples(store: RoutingSampleStore, models: ModelRegistry, now = Date.now()): Promise<number> {
  let purged = 0;
  for (const entry of models.list()) {
    const days = entry.auto?.collectSamples ? (entry.auto.sampleRetentionDays ?? 0) : 0;
    if (days > 0) purged += await store.purge(entry.name, now - days * DAY_MS);
  }
  return purged;
}

export function startSampleRetention(options: { store: RoutingSampleStore; models: ModelRegistry; logger: Logger; intervalMs?: number }): { stop(): void } {
  const { store, models, logger } = options;
  const run = () => {
    purgeExpiredSamples(store, models).then(
      (purged) => {
        if (purged > 0) logger.info({ purged }, "expired routing samples deleted");
      },
      (error: unknown) => logger.warn({ err: error }, "routing sample retention failed"),
    );
  };
  run();
  const timer = setInterval(run, options.intervalMs ?? HOUR_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
