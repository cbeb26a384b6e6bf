import { pino, type Logger as PinoLogger, type LevelWithSilent } from "pino";

export type Logger = PinoLogger;

/** How often buffered log lines are written out when traffic is too light to fill the buffer. */
const FLUSH_INTERVAL_MS = 250;

/**
 * A JSON logger on stdout. Lines are buffered (up to 4 KB, at most FLUSH_INTERVAL_MS) and written
 * asynchronously: one synchronous write per request line was a large share of the request path's
 * CPU. Pino flushes the buffer when the process exits.
 */
export function createLogger(level: LevelWithSilent = "info"): Logger {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  const timer = setInterval(() => {
    try {
      destination.flush();
    } catch {
      // Destroyed (the process is ending): nothing left to flush.
      clearInterval(timer);
    }
  }, FLUSH_INTERVAL_MS).unref();
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ["*.authorization", "*.api_key", "*.apiKey", "*.headers.authorization", '*.headers["x-api-key"]'],
        censor: "[redacted]",
      },
    },
    destination,
  );
}
