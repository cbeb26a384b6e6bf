import type { FastifyInstance } from "fastify";
import type { ChatMiddleware } from "../gateway/pipeline.js";
import { createObservabilityMiddleware } from "./chat-middleware.js";
import type { TelemetryConfig } from "./config-schema.js";
import type { Logger } from "./logger.js";
import { createMetrics, type GatewayMetrics } from "./metrics.js";
import { registerRequestObservability } from "./request-log.js";
import { createChatTracer } from "./tracing.js";

export interface Observability {
  /** Undefined when `telemetry.metrics` is false. */
  readonly metrics?: GatewayMetrics;
  readonly middleware: ChatMiddleware;
  /** True when spans are exported (telemetry.otlp_endpoint): every chat request then takes the full path. */
  readonly tracing: boolean;
  /** Adds the request-log hook and GET /metrics; call before any other onRequest hook. */
  register(app: FastifyInstance): void;
  close(): Promise<void>;
}

export async function createObservability(config: TelemetryConfig, logger: Logger): Promise<Observability> {
  const metrics = config.metrics ? createMetrics() : undefined;
  const tracer = await createChatTracer(config);
  return {
    metrics,
    middleware: createObservabilityMiddleware({ tracer }),
    tracing: tracer !== undefined,
    register: (app) => registerRequestObservability(app, { logger, metrics }),
    async close() {
      await tracer?.shutdown();
    },
  };
}
