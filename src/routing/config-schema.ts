import { z } from "zod";

/**
 * Config for routing, referenced from `models.<name>` in the shared schema:
 * `type: auto` models (the learned router) and per-model reliability strategies.
 */

export const autoModelSchema = z
  .object({
    /** ROUTER.json written by `switchyard router train`. */
    router: z.string().min(1),
    /** Public model names (or PROVIDER/MODEL) for the two tiers. */
    strong: z.string().min(1),
    weak: z.string().min(1),
    /**
     * Tiers between strong and weak, strongest first: each takes the next `share` of traffic by score
     * (after the strong tier's share); the weak model gets what is left.
     */
    middle: z
      .array(z.object({ model: z.string().min(1), share: z.number().gt(0).max(1) }).strict())
      .max(8)
      .default([]),
    /** A fixed score threshold; wins over target_strong. */
    threshold: z.number().min(0).max(1).optional(),
    /** Share of traffic meant for the strong model; defaults to the router file's own. */
    target_strong: z.number().min(0).max(1).optional(),
    /**
     * Instead of a share: how much of the strong model's quality gain to keep (PGR, 0..1); the share
     * is read off the router file's held-out quality curve.
     */
    target_quality: z.number().min(0).max(1).optional(),
    /** Below this remaining budget fraction, the share of strong calls shrinks in proportion (0 disables). */
    budget_floor: z.number().min(0).max(1).default(0.25),
    /** When the chosen tier fails, try the other tier's routes before giving up. */
    cross_tier_fallback: z.boolean().default(true),
    /** Store each routed request's prompt and decision so feedback can retrain the router (docs/routing-feedback.md). */
    collect_samples: z.boolean().default(false),
    /** Samples (and their ratings) older than this are deleted, checked hourly; 0 keeps them. */
    sample_retention_days: z.number().int().min(0).max(3650).default(30),
  })
  .strict();

export const retrySchema = z
  .object({
    /** Extra tries of the same route before moving to the next (0 = none). */
    attempts: z.number().int().min(0).max(10).default(0),
    initial_delay_ms: z.number().int().min(0).default(200),
    max_delay_ms: z.number().int().min(0).default(5_000),
    multiplier: z.number().min(1).default(2),
    /** Fraction of each delay that is randomised ("full jitter" at 1). */
    jitter: z.number().min(0).max(1).default(0.5),
    /** A Retry-After longer than this skips the retry and moves on to the next route. */
    max_retry_after_ms: z.number().int().min(0).default(10_000),
  })
  .strict();

export const fallbackOnSchema = z
  .object({
    /** Upstream HTTP statuses that move on to the next route. */
    status_codes: z.array(z.number().int().min(400).max(599)).default([408, 409, 429, 500, 502, 503, 504, 529]),
    timeouts: z.boolean().default(true),
    connection_errors: z.boolean().default(true),
    /** An upstream content-filter refusal tries the next route (a different provider may answer). */
    content_filter: z.boolean().default(false),
  })
  .strict();

export const timeoutsSchema = z
  .object({
    /** Until the upstream accepts the request (response headers). */
    connect_ms: z.number().int().positive().optional(),
    /** Until the first token (first client-visible part). */
    first_token_ms: z.number().int().positive().optional(),
    /** One attempt, start to end of stream. */
    total_ms: z.number().int().positive().optional(),
  })
  .strict();

export const circuitBreakerSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Open after this many failures in a row. */
    consecutive_failures: z.number().int().positive().default(5),
    /** ...or when the failure rate in the window reaches this, once min_requests were seen. */
    error_rate: z.number().min(0).max(1).default(0.5),
    min_requests: z.number().int().positive().default(20),
    window_ms: z.number().int().positive().default(60_000),
    /** How long it stays open before half-open probes. */
    cooldown_ms: z.number().int().positive().default(30_000),
    /** Concurrent probe requests allowed while half-open. */
    half_open_probes: z.number().int().positive().default(1),
  })
  .strict();

export const strategySchema = z
  .object({
    mode: z.enum(["fallback", "weighted", "least-latency", "least-busy"]).default("fallback"),
    retry: retrySchema.default(retrySchema.parse({})),
    fallback_on: fallbackOnSchema.default(fallbackOnSchema.parse({})),
    timeouts: timeoutsSchema.default({}),
    circuit_breaker: circuitBreakerSchema.default(circuitBreakerSchema.parse({})),
  })
  .strict();

export type AutoModelConfig = z.infer<typeof autoModelSchema>;
export type StrategyConfig = z.infer<typeof strategySchema>;
export type CircuitBreakerConfig = z.infer<typeof circuitBreakerSchema>;
export type RetryConfig = z.infer<typeof retrySchema>;
export type FallbackOnConfig = z.infer<typeof fallbackOnSchema>;
export type TimeoutsConfig = z.infer<typeof timeoutsSchema>;

export const defaultStrategy: StrategyConfig = strategySchema.parse({});

/** `type: auto` needs `auto` and no routes; every other model needs routes. */
export function checkModelShape(
  model: { type?: "routes" | "auto"; routes?: unknown[]; auto?: unknown },
  context: z.RefinementCtx,
): void {
  if (model.type === "auto") {
    if (model.auto === undefined) context.addIssue({ code: "custom", path: ["auto"], message: "a model of type auto needs `auto: {router, strong, weak}`" });
    if (model.routes !== undefined) context.addIssue({ code: "custom", path: ["routes"], message: "a model of type auto takes no routes (its tiers name other models)" });
  } else {
    if (model.routes === undefined) context.addIssue({ code: "custom", path: ["routes"], message: "required (or set `type: auto`)" });
    if (model.auto !== undefined) context.addIssue({ code: "custom", path: ["auto"], message: "only allowed with `type: auto`" });
  }
}
