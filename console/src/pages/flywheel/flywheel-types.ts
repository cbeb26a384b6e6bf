/**
 * The shapes the Flywheel page reads (server: src/logs, src/promotion, src/control/usage) and its small helpers.
 * Written out here rather than imported as types like the evaluation types: the server modules that declare them
 * (the dataset builder, promotion types) reach Fastify's request augmentation, which the console's build does not see.
 */
import type { Interval } from "../evaluations/evaluation-types";

/** Which project's loop the page walks, and the log query every step shares. */
export interface FlywheelScope {
  /** The project id as the admin API takes it ("default": traffic without a project). */
  projectId: string;
  /** Whether the page must name the project in admin calls (the master key acts for any project). */
  global: boolean;
  /** The model (or auto model, or deployment's model) whose logged answers are the teacher. */
  model: string;
  /** Words every logged request or answer must contain; "" for none. */
  q: string;
  lastDays: number;
  minScore: string;
  validationFraction: number;
  seed: number;
}

export interface LoggingSettings {
  project_id: string;
  store_requests: boolean;
  retention_days: number;
  store_unmasked: boolean;
}

export interface DatasetCounts {
  matched: number;
  unusable: number;
  duplicates: number;
  pii_dropped: number;
  pii_categories: Record<string, number>;
  kept: number;
  truncated: boolean;
  train: number;
  validation: number;
}

export interface BuiltDataset {
  project_id: string;
  training_file: string;
  validation_file: string | null;
  counts: DatasetCounts;
}

export interface ModelFigures {
  model: string;
  role: "candidate" | "strong" | "weak";
  rows: number;
  errors: number;
  quality: { mean: number; low: number; high: number };
  cost_per_request_usd: number;
  latency_p50_ms: number;
}

export type PromotionStatus = "evaluating" | "promoted" | "refused" | "failed" | "rolling_back" | "rolled_back";

export interface Promotion {
  id: string;
  project_id: string;
  candidate: string;
  auto_model: string | null;
  deployment: string | null;
  status: PromotionStatus;
  created_at: number;
  promoted_at: number | null;
  request: { canary_share?: number; gate?: { min_quality_share: number }; rollback?: { margin: number; min_samples: number; automatic: boolean } };
  evaluation: { evaluation_id: string | null; held_out: { rows: number }; models: ModelFigures[] } | null;
  gate: { passed: boolean; checks: Array<{ name: string; passed: boolean; value: number; required: number; message: string }> } | null;
  applied: { deployment?: { name: string; version: number; previous_version: number; canary_share: number }; auto_model?: { name: string; previous_weak: string; router: string } } | null;
  refusal: { message: string } | null;
  rollback: { at: number; by: string; reason: string; live?: { count: number; mean: number; threshold: number } } | null;
  events: Array<{ at: number; step: string; message: string }>;
}

/** One `GET /v1/usage` group. */
export interface UsageGroup {
  model?: string;
  requests: number;
  errors: number;
  cost_usd: number;
}

/** One `GET /admin/feedback/summary` group. */
export interface RatingGroup {
  model: string;
  count: number;
  mean: number;
  ci95: [number, number] | null;
}

export type { Interval };

/** `?project_id=` for the master key (it acts for the chosen project); nothing for a project key (its own). */
export function projectQuery(scope: FlywheelScope, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams(extra);
  if (scope.global) query.set("project_id", scope.projectId);
  return query.toString();
}

/** The log query as `POST /admin/datasets/from-logs` (and a promotion's `held_out`) take it. */
export function logQueryBody(scope: FlywheelScope): Record<string, unknown> {
  return {
    ...(scope.model.trim() === "" ? {} : { model: scope.model.trim() }),
    ...(scope.q.trim() === "" ? {} : { q: scope.q.trim() }),
    ...(scope.lastDays > 0 ? { last_days: scope.lastDays } : {}),
    ...(scope.minScore.trim() === "" ? {} : { min_score: Number(scope.minScore) }),
    validation_fraction: scope.validationFraction,
    seed: scope.seed,
  };
}

export function usdPerRequest(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return "–";
  return value === 0 ? "$0" : value < 0.01 ? `$${value.toPrecision(3)}` : `$${value.toFixed(4)}`;
}

export const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

export const statusTone = (status: string) =>
  ["promoted", "succeeded", "completed", "on"].includes(status) ? "status-succeeded" : ["refused", "failed", "cancelled", "rolled_back", "off"].includes(status) ? "status-failed" : "status-running";
