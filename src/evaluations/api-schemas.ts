import { z } from "zod";
import { evaluationSpecSchema } from "./types.js";

/** The shapes `/admin/evaluations` answers with, for the OpenAPI document (src/api/openapi/). */

export const evaluationCreateSchema = evaluationSpecSchema.extend({
  /** The master key picks the project (default "default"); a project key may only name its own. */
  project_id: z.string().min(1).max(128).optional(),
});

const interval = z.looseObject({ mean: z.number(), low: z.number(), high: z.number(), method: z.enum(["wilson", "bootstrap", "none"]), count: z.number().int() });

const modelSummary = z.looseObject({
  model: z.string(),
  rows: z.number().int(),
  errors: z.number().int(),
  quality: interval,
  scores: z.record(z.string(), interval),
  win_rate: interval.extend({ wins: z.number().int(), ties: z.number().int(), losses: z.number().int() }).optional(),
  cost: z.looseObject({ total_usd: z.number(), per_request_usd: z.number() }),
  latency: z.looseObject({ p50_ms: z.number(), p90_ms: z.number() }),
  tokens: z.looseObject({ input: z.number().int(), output: z.number().int() }),
});

const errorObject = z.looseObject({ code: z.string(), message: z.string() });

export const evaluationRecordSchema = z.looseObject({
  object: z.literal("evaluation"),
  id: z.string(),
  project_id: z.string(),
  name: z.string().nullable(),
  status: z.enum(["queued", "running", "completed", "failed", "cancelled"]),
  created_at: z.number().int(),
  started_at: z.number().int().nullable(),
  finished_at: z.number().int().nullable(),
  progress: z.looseObject({ done: z.number().int(), total: z.number().int() }),
  spec: z.looseObject({ models: z.array(z.string()) }),
  summary: z
    .looseObject({
      rows: z.number().int(),
      confidence: z.number(),
      baseline: z.string().optional(),
      models: z.array(modelSummary),
      judge: z.looseObject({ calls: z.number().int(), errors: z.number().int(), cost_usd: z.number() }),
    })
    .nullable(),
  error: errorObject.nullable(),
});

export const evaluationListSchema = z.looseObject({
  object: z.literal("list"),
  data: z.array(evaluationRecordSchema),
  first_id: z.string().nullable(),
  last_id: z.string().nullable(),
  has_more: z.boolean(),
});

export const evaluationRowsSchema = z.looseObject({
  object: z.literal("list"),
  evaluation_id: z.string(),
  has_more: z.boolean(),
  data: z.array(
    z.looseObject({
      row: z.number().int(),
      model: z.string(),
      request_id: z.string(),
      output: z.string().nullable(),
      error: errorObject.nullable(),
      latency_ms: z.number(),
      cost_usd: z.number(),
      input_tokens: z.number().int(),
      output_tokens: z.number().int(),
      scores: z.record(z.string(), z.number().nullable()),
      quality: z.number().nullable(),
      win: z.number().nullable(),
      judgements: z.array(z.looseObject({ scorer: z.string(), verdicts: z.array(z.looseObject({ answer: z.string().nullable(), value: z.number().nullable() })) })),
    }),
  ),
});

export const evaluationDeletedSchema = z.looseObject({ id: z.string(), object: z.literal("evaluation.deleted"), deleted: z.literal(true) });
