import { z } from "zod";
import { controlSchema, pricingSchema } from "../control/config-schema.js";
import { databaseSchema, redisSchema } from "../storage/config-schema.js";
import { autoModelSchema, checkModelShape, strategySchema } from "../routing/config-schema.js";
import { cacheSchema } from "../cache/config-schema.js";
import { telemetrySchema } from "../observability/config-schema.js";
import { guardrailsSchema } from "../guardrails/config.js";
import { fineTuningConfigSchema } from "../customization/config-schema.js";
import { deploymentSpecSchema } from "../customization/deployments/spec.js";
import { batchesConfigSchema } from "../batches/config-schema.js";
import { clusterSchema } from "../cluster/config-schema.js";
import { loggingSchema } from "../logs/config-schema.js";
import { responsesConfigSchema } from "../responses/config-schema.js";
import { promotionsConfigSchema } from "../promotion/config-schema.js";

/**
 * Phase one of config loading: the strict shape of the file. Unknown keys are errors.
 * Provider entries are checked here only for `type`; each family's own schema checks the rest
 * in phase two (see resolve.ts), so that adding a provider family touches no shared schema.
 */

export const routeSchema = z
  .object({
    provider: z.string().min(1),
    model: z.string().min(1),
    weight: z.number().positive().optional(),
    timeout_ms: z.number().int().positive().optional(),
  })
  .strict();

export const modelSchema = z
  .object({
    description: z.string().optional(),
    /** `routes` (default): ordered provider routes; `auto`: the learned router picks a tier per request. */
    type: z.enum(["routes", "auto"]).optional(),
    routes: z.array(routeSchema).min(1).optional(),
    auto: autoModelSchema.optional(),
    /** Reliability: balancing mode, retries, fallback triggers, timeouts, circuit breaker. */
    strategy: strategySchema.optional(),
  })
  .strict()
  .superRefine(checkModelShape);

export const serverSchema = z
  .object({
    host: z.string().default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(4000),
    /** Largest accepted request body in bytes. */
    body_limit: z.number().int().positive().default(20 * 1024 * 1024),
    log_level: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Upper bound for one request, all attempts included. */
    request_timeout_ms: z.number().int().positive().default(600_000),
    /** Where models, files and the embedded database live. */
    data_dir: z.string().default("./data"),
    /**
     * Download configured local models that have a `source` and are missing, in the background at start
     * (SWITCHYARD_AUTO_DOWNLOAD=0 turns it off).
     */
    auto_download: z.boolean().default(true),
    /** Hugging Face endpoint for `hf:` sources (a mirror); defaults to HF_ENDPOINT, else https://huggingface.co. */
    model_hub: z.url({ protocol: /^https?$/ }).optional(),
    /**
     * The pass-through fast path of POST /v1/chat/completions (docs/benchmarks.md): on by default; it
     * declines by itself whenever something configured needs the full path. false sends every
     * request through the full path.
     */
    fast_path: z.boolean().default(true),
  })
  .strict();

/** Provider names: also the first part of `provider/model` shorthand names. */
export const providerNamePattern = /^[A-Za-z0-9._-]+$/;

export const providerEntrySchema = z.looseObject({ type: z.string().min(1) });

export const configSchema = z
  .object({
    server: serverSchema.default(serverSchema.parse({})),
    providers: z.record(z.string().regex(providerNamePattern, "letters, digits, . _ - only"), providerEntrySchema).default({}),
    models: z.record(z.string().min(1), modelSchema).default({}),
    database: databaseSchema.default(databaseSchema.parse({})),
    redis: redisSchema.default(redisSchema.parse({})),
    /** Nodes sharing PostgreSQL: the change bus's reconcile period. */
    cluster: clusterSchema.default(clusterSchema.parse({})),
    pricing: pricingSchema.default({}),
    control: controlSchema.default(controlSchema.parse({})),
    cache: cacheSchema.default(cacheSchema.parse({})),
    telemetry: telemetrySchema.default(telemetrySchema.parse({})),
    /** Absent: no guardrails run at all. */
    guardrails: guardrailsSchema.optional(),
    /** Files, datasets and fine-tuning jobs (docs/customization.md). */
    fine_tuning: fineTuningConfigSchema.default(fineTuningConfigSchema.parse({})),
    /** The Batches API: concurrency, yielding to live traffic, delegation to native batch APIs (docs/batches.md). */
    batches: batchesConfigSchema.default(batchesConfigSchema.parse({})),
    /** Named deployments (model + prompt template + defaults + A/B variants); docs/customization.md. */
    deployments: z.record(z.string(), deploymentSpecSchema).default({}),
    /** The stored request log (docs/logs.md); off unless turned on here or per project. */
    logging: loggingSchema.default(loggingSchema.parse({})),
    /** Stored responses of `/v1/responses` (docs/responses.md). */
    responses: responsesConfigSchema.default(responsesConfigSchema.parse({})),
    /** Gated promotion of a candidate model into an auto model or a deployment (docs/flywheel.md). */
    promotions: promotionsConfigSchema.default(promotionsConfigSchema.parse({})),
  })
  .strict();

export type ConfigFile = z.infer<typeof configSchema>;
export type ModelConfig = z.infer<typeof modelSchema>;
export type RouteConfig = z.infer<typeof routeSchema>;
