import { pino, type DestinationStream, type Logger as PinoLogger, type LevelWithSilent } from "pino";
import { LineBuffer } from "./line-buffer.js";
import { redactSecrets } from "./log-redaction.js";

export type Logger = PinoLogger;

/** How often buffered log lines are written out when traffic is too light to fill the buffer. */
const FLUSH_INTERVAL_MS = 250;

/**
 * A JSON logger on stdout. Lines are buffered (up to 4 KB, at most FLUSH_INTERVAL_MS) and written
 * asynchronously: one synchronous write per request line was a large share of the request path's
 * CPU. The lines are collected by a `LineBuffer` and handed to pino's destination a few kilobytes at a
 * time (see there why); both are flushed when the process exits. Secrets one level down in a logged object
 * (`authorization`, `api_key`, `apiKey`, `headers.authorization`, `headers["x-api-key"]`) are censored.
 */
export function createLogger(level: LevelWithSilent = "info", destination: DestinationStream = new LineBuffer(pino.destination({ dest: 1, sync: false, minLength: 4096 }))): Logger {
  const timer = setInterval(() => {
    try {
      (destination as { flush?: () => void }).flush?.();
    } catch {
      // Destroyed (the process is ending): nothing left to flush.
      clearInterval(timer);
    }
  }, FLUSH_INTERVAL_MS).unref();
  const logger = pino({ level, base: undefined, formatters: { log: redactSecrets } }, destination);
  // Child bindings skip pino's formatters; children inherit this override, so theirs are censored too.
  const child = logger.child;
  logger.child = function redactedChild(this: Logger, bindings, options) {
    return child.call(this, redactSecrets(bindings), options);
  } as Logger["child"];
  return logger;
}
