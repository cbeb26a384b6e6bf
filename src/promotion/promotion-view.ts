/** A promotion as the API answers it (and the OpenAPI document's schema of that answer). */
import { z } from "zod";
import { unixSeconds } from "../core/ids.js";
import type { PromotionRecord } from "./types.js";

const figuresSchema = z.object({
  model: z.string(),
  role: z.enum(["candidate", "strong", "weak"]),
  rows: z.number(),
  errors: z.number(),
  quality: z.object({ mean: z.number(), low: z.number(), high: z.number() }),
  cost_per_request_usd: z.number(),
  latency_p50_ms: z.number(),
});

export const promotionSchema = z.object({
  object: z.literal("promotion"),
  id: z.string(),
  project_id: z.string(),
  candidate: z.string(),
  auto_model: z.string().nullable(),
  deployment: z.string().nullable(),
  status: z.enum(["evaluating", "promoted", "refused", "failed", "rolling_back", "rolled_back"]),
  created_at: z.number().int(),
  updated_at: z.number().int(),
  promoted_at: z.number().int().nullable(),
  request: z.looseObject({}),
  evaluation: z
    .object({
      evaluation_id: z.string().nullable(),
      held_out: z.object({ rows: z.number(), counts: z.looseObject({}) }),
      models: z.array(figuresSchema),
    })
    .nullable(),
  gate: z
    .object({
      passed: z.boolean(),
      checks: z.array(z.object({ name: z.string(), passed: z.boolean(), value: z.number(), required: z.number(), message: z.string() })),
    })
    .nullable(),
  applied: z.looseObject({}).nullable(),
  refusal: z.object({ message: z.string() }).nullable(),
  rollback: z.looseObject({ at: z.number(), by: z.string(), reason: z.string() }).nullable(),
  events: z.array(z.object({ at: z.number().int(), step: z.string(), message: z.string() })),
});

export const promotionListSchema = z.object({ object: z.literal("list"), data: z.array(promotionSchema), has_more: z.boolean() });

export function promotionView(record: PromotionRecord): z.infer<typeof promotionSchema> {
  return {
    object: "promotion",
    id: record.id,
    project_id: record.projectId,
    candidate: record.candidate,
    auto_model: record.autoModel,
    deployment: record.deployment,
    status: record.status,
    created_at: unixSeconds(record.createdAt),
    updated_at: unixSeconds(record.updatedAt),
    promoted_at: record.promotedAt === null ? null : unixSeconds(record.promotedAt),
    request: record.request as unknown as Record<string, unknown>,
    evaluation: record.evaluation,
    gate: record.gate,
    applied: record.applied as Record<string, unknown> | null,
    refusal: record.refusal,
    rollback: record.rollback ? { ...record.rollback, at: unixSeconds(record.rollback.at) } : null,
    events: record.events.map((event) => ({ ...event, at: unixSeconds(event.at) })),
  };
}
