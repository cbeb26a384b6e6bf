import type { Logger } from "../observability/logger.js";
import type { LogSettings } from "./log-settings.js";
import type { LogStore } from "./log-store.js";

const HOUR_MS = 3_600_000;

/**
 * Deletes stored requests older than their project's retention, once at start and then hourly. On
 * several nodes each runs it, which is harmless: a delete of rows already gone deletes nothing.
 */
export function startLogRetention(options: { store: LogStore; settings: LogSettings; logger: Logger; intervalMs?: number }): { stop(): void; sweep(): Promise<number> } {
  const { store, settings, logger } = options;
  const sweep = () => store.purge(settings.retention());
  const run = () => {
    sweep().then(
      (purged) => {
        if (purged > 0) logger.info({ purged }, "expired request logs deleted");
      },
      (error: unknown) => logger.warn({ err: error }, "request log retention failed"),
    );
  };
  run();
  const timer = setInterval(run, options.intervalMs ?? HOUR_MS);
  timer.unref();
  return { stop: () => clearInterval(timer), sweep };
}
