/** What a promotion holds, as the service and the routes see it (rows: tables.ts). */
import type { z } from "zod";
import type { promotionRequestSchema } from "./request-schema.js";

export type PromotionRequest = z.infer<typeof promotionRequestSchema>;

export type PromotionStatus = "evaluating" | "promoted" | "refused" | "failed" | "rolling_back" | "rolled_back";

/** One model's figures on the held-out set, as the evaluation reported them. */
export interface ModelFigures {
  model: string;
  /** Which part it played: the candidate, or the tier it was compared with. */
  role: "candidate" | "strong" | "weak";
  rows: number;
  errors: number;
  quality: { mean: number; low: number; high: number };
  cost_per_request_usd: number;
  latency_p50_ms: number;
}

export interface PromotionEvaluation {
  /** The evaluation run's id, when the runner stored one. */
  evaluation_id: string | null;
  held_out: { rows: number; counts: Record<string, unknown> };
  models: ModelFigures[];
}

export interface GateCheck {
  name: "min_rows" | "quality_share" | "lower_cost" | "not_worse_than_weak";
  passed: boolean;
  /** The candidate's figure and what the gate required of it. */
  value: number;
  required: number;
  message: string;
}

export interface GateOutcome {
  passed: boolean;
  checks: GateCheck[];
}

/** What a promotion changed, and what it replaced (what a rollback puts back). */
export interface AppliedChange {
  /** The candidate's provider routes when it was promoted: whose answers the live ratings watch. */
  candidate_routes?: Array<{ provider: string; model: string }>;
  auto_model?: {
    name: string;
    /** The admin-API entry that was there before (null: the file's definition served). */
    previous_entry: Record<string, unknown> | null;
    previous_weak: string;
    previous_router: string;
    router: string;
    router_rows: { samples: number; evaluation: number };
    /**
     * The projects the new weak tier serves: the candidate's owner when it is a project's own model (a
     * fine-tune), whose requests other projects never reach; null when it serves every project.
     * Absent on promotions recorded before this was kept.
     */
    tier_projects?: string[] | null;
  };
  deployment?: {
    name: string;
    previous_version: number;
    version: number;
    canary_share: number;
  };
}

export interface RollbackRecord {
  at: number;
  /** `automatic` (live feedback fell below the evaluated quality by the margin) or the key that asked. */
  by: string;
  reason: string;
  live?: { count: number; mean: number; threshold: number };
}

export interface PromotionEvent {
  at: number;
  step: "created" | "held_out" | "evaluating" | "evaluated" | "gate" | "router" | "applied" | "refused" | "failed" | "rolled_back";
  message: string;
}

export interface PromotionRecord {
  id: string;
  projectId: string;
  keyId: string;
  candidate: string;
  autoModel: string | null;
  deployment: string | null;
  status: PromotionStatus;
  request: PromotionRequest;
  evaluation: PromotionEvaluation | null;
  gate: GateOutcome | null;
  applied: AppliedChange | null;
  refusal: { message: string } | null;
  rollback: RollbackRecord | null;
  events: PromotionEvent[];
  createdAt: number;
  updatedAt: number;
  promotedAt: number | null;
}
