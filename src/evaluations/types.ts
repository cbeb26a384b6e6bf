import { z } from "zod";

/**
 * The evaluation contract other areas build on (the promotion engine among them): the spec an
 * evaluation runs from, the record it is stored as, and the per-model summary it reports.
 * Field names are the HTTP API's (snake_case), so one shape serves the API and the code.
 */

const scorerName = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, "letters, digits and _ . : - only");

const exactMatchScorer = z
  .object({
    type: z.literal("exact_match"),
    name: scorerName.optional(),
    /** Trim and collapse runs of whitespace before comparing (default true). */
    trim: z.boolean().default(true),
    /** Compare case-insensitively (default false). */
    ignore_case: z.boolean().default(false),
  })
  .strict();

const regexScorer = z
  .object({
    type: z.literal("regex"),
    name: scorerName.optional(),
    pattern: z.string().min(1).max(1000),
    flags: z.string().regex(/^[imsu]*$/, "only the flags i, m, s and u").max(4).optional(),
  })
  .strict();

const jsonSchemaScorer = z
  .object({
    type: z.literal("json_schema"),
    name: scorerName.optional(),
    /** A JSON Schema the answer, parsed as JSON, must satisfy. */
    schema: z.record(z.string(), z.unknown()),
  })
  .strict();

const llmJudgeScorer = z
  .object({
    type: z.literal("llm_judge"),
    name: scorerName.optional(),
    /** The judge: any model or deployment the project may call. */
    model: z.string().min(1).max(256),
    /** `absolute`: a 0..1 score from the rubric; `pairwise`: each model against the baseline, both orders. */
    mode: z.enum(["absolute", "pairwise"]).default("absolute"),
    rubric: z.string().min(1).max(4000).optional(),
  })
  .strict();

export const scorerSchema = z.discriminatedUnion("type", [exactMatchScorer, regexScorer, jsonSchemaScorer, llmJudgeScorer]);
export type Scorer = z.infer<typeof scorerSchema>;
export type ScorerInput = z.input<typeof scorerSchema>;

/** One dataset row: a chat prompt, and the expected answer where there is one. */
export const datasetRowSchema = z.object({
  messages: z.array(z.record(z.string(), z.unknown())).min(1),
  reference: z.string().max(100_000).optional(),
});
export type DatasetRow = z.infer<typeof datasetRowSchema>;

export const evaluationSpecSchema = z
  .object({
    name: z.string().min(1).max(200).optional(),
    /** A `/v1/files` JSONL file of the project (chat rows; a final assistant message is the reference), or rows inline. */
    dataset: z.union([z.object({ file_id: z.string().min(1).max(128) }).strict(), z.object({ rows: z.array(datasetRowSchema).max(10_000) }).strict()]),
    /** Public model names, `provider/model`, `ft:` models or deployments, as the project calls them. */
    models: z
      .array(z.string().min(1).max(256))
      .min(1)
      .max(10)
      .refine((models) => new Set(models).size === models.length, "each model once"),
    scorers: z.array(scorerSchema).min(1).max(10),
    /** The model pairwise judges compare against; defaults to the first model. */
    baseline: z.string().min(1).max(256).optional(),
    /** Confidence level of every interval (default 0.95). */
    confidence: z.number().min(0.5).max(0.999).default(0.95),
    /** Seeds the bootstrap resampling, so a summary is reproducible. */
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
    /** Runs only the first N rows. */
    max_rows: z.number().int().min(1).max(10_000).optional(),
    /** Sampling settings sent with every model call (judges always run at temperature 0). */
    parameters: z
      .object({ temperature: z.number().min(0).max(2).optional(), max_tokens: z.number().int().min(1).max(32_768).optional() })
      .strict()
      .optional(),
  })
  .strict();

export type EvaluationSpec = z.infer<typeof evaluationSpecSchema>;
/** What callers pass: defaults (confidence, seed, scorer options) may be left out. */
export type EvaluationSpecInput = z.input<typeof evaluationSpecSchema>;

export type EvaluationStatus = "queued" | "running" | "completed" | "failed" | "cancelled";

/** A mean with its interval at the spec's confidence; `method` says how the interval was drawn. */
export interface Interval {
  mean: number;
  low: number;
  high: number;
  /** `wilson` when every value is 0 or 1, else a seeded percentile `bootstrap`; `none` without values. */
  method: "wilson" | "bootstrap" | "none";
  /** How many values the mean is over. */
  count: number;
}

export interface ModelSummary {
  model: string;
  /** Rows this model answered or failed. */
  rows: number;
  errors: number;
  /** Mean per-row quality (absolute scorers averaged; a failed call scores 0). */
  quality: Interval;
  /** Each absolute scorer on its own. */
  scores: Record<string, Interval>;
  /** Against the baseline, per pairwise judge averaged: win 1, tie 0.5, loss 0. Absent for the baseline and without a pairwise judge. */
  win_rate?: Interval & { wins: number; ties: number; losses: number };
  /** USD, as metered for the usage rows (the gateway's price book). */
  cost: { total_usd: number; per_request_usd: number };
  latency: { p50_ms: number; p90_ms: number };
  tokens: { input: number; output: number };
}

export interface EvaluationSummary {
  rows: number;
  confidence: number;
  baseline?: string;
  models: ModelSummary[];
  /** What the judge calls cost, apart from the models'. */
  judge: { calls: number; errors: number; cost_usd: number };
}

export interface EvaluationRecord {
  object: "evaluation";
  id: string;
  project_id: string;
  name: string | null;
  status: EvaluationStatus;
  /** Unix seconds. */
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  /** Calls done (model answers and judge verdicts) of all the evaluation makes. */
  progress: { done: number; total: number };
  spec: EvaluationSpec;
  /** Present once it has finished (completed, or cancelled over the rows done). */
  summary: EvaluationSummary | null;
  error: { code: string; message: string } | null;
}

/** One model's answer to one row, with its scores. */
export interface EvaluationResultRow {
  row: number;
  model: string;
  /** Usage rows carry the same id (evaluation calls have ids starting `evalreq_`). */
  request_id: string;
  output: string | null;
  error: { code: string; message: string } | null;
  latency_ms: number;
  cost_usd: number;
  input_tokens: number;
  output_tokens: number;
  /** Per scorer: 0..1, or null where it did not apply or its judge failed. */
  scores: Record<string, number | null>;
  quality: number | null;
  /** Against the baseline (mean over pairwise judges): 1 win, 0.5 tie, 0 loss. */
  win: number | null;
  /** Judges' verdicts and raw answers, for review. */
  judgements: Judgement[];
}

export interface Judgement {
  scorer: string;
  /** `absolute`: one entry; `pairwise`: two, the candidate first as A then as B. */
  verdicts: Array<{ order?: "candidate_first" | "baseline_first"; answer: string | null; value: number | null; error?: string }>;
}
