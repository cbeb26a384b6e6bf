import type { Logger } from "../observability/logger.js";
import type { ResponseStore } from "./store.js";

const HOUR_MS = 3_600_000;

/**
 * Deletes responses past their retention once at start and then hourly. Expired rows are already
 * invisible to every lookup, so the sweep only reclaims space; on several nodes each runs it,
 * which is harmless.
 */
export function startResponseRetention(options: { store: ResponseStore; logger: Logger; intervalMs?: number }): { stop(): void } {
  const { store, logger } = options;
  const run = () => {
    store.purgeExpired().then(
      (purged) => {
        if (purged > 0) logger.info({ purged }, "expired responses deleted");
      },
      (error: unknown) => logger.warn({ err: error }, "response retention failed"),
    );
  };
  run();
  const timer = setInterval(run, options.intervalMs ?? HOUR_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
