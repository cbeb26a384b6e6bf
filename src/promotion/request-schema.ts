import { z } from "zod";
import { scorerSchema } from "../evaluations/types.js";
import { fromLogsSchema } from "../logs/datasets/dataset-routes.js";

/** The held-out set: a log query (the same filters as `POST /admin/datasets/from-logs`) and its split. */
export const heldOutSchema = fromLogsSchema.omit({ name: true, project_id: true }).extend({
  /**
   * Which part of the seeded split to evaluate on: `validation` (default) is the part a dataset built
   * with the same query, seed and fraction kept out of training; `all` takes every example.
   */
  split: z.enum(["validation", "all"]).default("validation"),
  /** At most this many held-out examples are evaluated (the first ones of the seeded order). */
  max_examples: z.number().int().positive().max(5_000).default(200),
});

export const gateSchema = z
  .object({
    /** The candidate's mean quality must reach this share of the strong tier's. */
    min_quality_share: z.number().min(0).max(1).default(0.9),
    /** And must not fall below the current weak tier's (when there is one). */
    not_worse_than_weak: z.boolean().default(true),
    /** Fewer held-out examples than this is a refusal: too little to judge. */
    min_rows: z.number().int().positive().default(5),
  })
  .strict();

export const rollbackPolicySchema = z
  .object({
    /** Roll back when live ratings of the candidate's answers fall this far below its evaluated quality. */
    margin: z.number().min(0).max(1).default(0.1),
    /** ...once at least this many of its answers are rated. */
    min_samples: z.number().int().positive().default(20),
    /** Turn the automatic rollback off (a manual one is always possible). */
    automatic: z.boolean().default(true),
  })
  .strict();

/** `POST /admin/promotions`. */
export const promotionRequestSchema = z
  .object({
    /** The project whose log gives the held-out set and who owns the record; a project key's own by default. */
    project_id: z.string().min(1).max(128).optional(),
    /** The model to promote: an `ft:` model or any configured model. */
    candidate: z.string().min(1).max(256),
    /** A `type: auto` model: the candidate becomes its weak tier and its router is retrained. */
    auto_model: z.string().min(1).max(200).optional(),
    /** A deployment: the candidate joins it as a variant taking `canary_share` of its traffic. */
    deployment: z.string().min(1).max(128).optional(),
    /** The reference model when only a deployment is named (default: the deployment's current model). */
    strong: z.string().min(1).max(256).optional(),
    canary_share: z.number().gt(0).max(1).default(0.1),
    held_out: heldOutSchema,
    /**
     * With `auto_model`: the prompts the router is retrained on, evaluated on the candidate and the
     * strong model (default: the strong tier's logged answers, every family of traffic it served, so
     * the router learns where the candidate falls short as well as where it matches).
     */
    router_set: heldOutSchema.optional(),
    /**
     * Sampling settings of every model call the evaluations make. Temperature 0 by default: the gate
     * judges each model's most likely answer, so the same models on the same held-out set decide alike.
     */
    parameters: z
      .object({ temperature: z.number().min(0).max(2).default(0), max_tokens: z.number().int().min(1).max(32_768).optional() })
      .strict()
      .default({ temperature: 0 }),
    /** How the held-out answers are scored (the evaluation runner's scorers; default: exact match with the logged answer). */
    scorers: z.array(scorerSchema).min(1).max(8).default([{ type: "exact_match", trim: true, ignore_case: false }]),
    gate: gateSchema.default({ min_quality_share: 0.9, not_worse_than_weak: true, min_rows: 5 }),
    rollback: rollbackPolicySchema.default({ margin: 0.1, min_samples: 20, automatic: true }),
    /** The retrained router's own threshold keeps this share of the strong model's quality gain (PGR). */
    router_target_quality: z.number().min(0).max(1).default(0.9),
    /** Seeds the evaluation's resampling and the router's folds. */
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
  })
  .strict()
  .refine((body) => body.auto_model !== undefined || body.deployment !== undefined, {
    message: "name the `auto_model` whose weak tier the candidate becomes, the `deployment` it joins as a canary, or both",
    path: ["auto_model"],
  });
