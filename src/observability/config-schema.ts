import { z } from "zod";

/** `telemetry:` — OpenTelemetry traces; off unless an OTLP endpoint is given. */
export const telemetrySchema = z
  .object({
    /** OTLP/HTTP traces URL, e.g. `http://127.0.0.1:4318/v1/traces`. */
    otlp_endpoint: z.string().url().optional(),
    service_name: z.string().min(1).default("switchyard"),
    /** Extra headers for the collector (e.g. an auth token). */
    headers: z.record(z.string(), z.string()).default({}),
    /** Serve Prometheus metrics on GET /metrics. */
    metrics: z.boolean().default(true),
    /** Fraction of requests traced, 0..1. */
    sample_ratio: z.number().min(0).max(1).default(1),
  })
  .strict();

export type TelemetryConfig = z.infer<typeof telemetrySchema>;
