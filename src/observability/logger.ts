import { pino, type Logger as PinoLogger, type LevelWithSilent } from "pino";

export type Logger = PinoLogger;

export function createLogger(level: LevelWithSilent = "info"): Logger {
  return pino({
    level,
    base: undefined,
    redact: {
      paths: ["*.authorization", "*.api_key", "*.apiKey", "*.headers.authorization", '*.headers["x-api-key"]'],
      censor: "[redacted]",
    },
  });
}
