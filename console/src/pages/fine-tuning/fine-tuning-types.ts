/** `/v1/files` and `/v1/fine_tuning/*` objects as the console reads them. */
import type { Estimate as BackendEstimate } from "../../../../src/customization/fine-tuning/types";

export interface DatasetStatistics {
  examples: number;
  totalTokens: number;
  minTokensPerExample: number;
  maxTokensPerExample: number;
  meanTokensPerExample: number;
}

export interface LineIssue {
  line: number;
  message: string;
}

export interface DatasetFile {
  id: string;
  filename: string;
  bytes: number;
  purpose: string;
  created_at: number;
  dataset?: { valid: boolean; format: "chat" | "completion" | null; errors: LineIssue[]; statistics: DatasetStatistics };
}

export interface StepMetric {
  step: number;
  total_steps?: number;
  epoch: number;
  train_loss: number;
  valid_loss?: number;
}

export type JobStatus = "validating_files" | "queued" | "running" | "succeeded" | "failed" | "cancelled";

export interface Job {
  id: string;
  model: string;
  status: JobStatus;
  backend: string;
  fine_tuned_model: string | null;
  created_at: number;
  finished_at: number | null;
  estimated_finish: number | null;
  training_file: string;
  validation_file: string | null;
  trained_tokens: number | null;
  hyperparameters: { n_epochs: number; learning_rate_multiplier: number; batch_size: number };
  seed: number;
  error: { message: string } | null;
  metrics: StepMetric[];
  evaluation: { base_valid_loss: number | null; final_valid_loss: number | null } | null;
}

export interface JobEvent {
  id: string;
  created_at: number;
  level: string;
  message: string;
  type?: string;
}

export interface Checkpoint {
  id: string;
  created_at: number;
  fine_tuned_model_checkpoint: string;
  step_number: number;
  metrics: { train_loss: number; valid_loss?: number };
}

/** `POST /v1/fine_tuning/estimates`: the backend's estimate (the server's own shape) with the dataset's statistics. */
export type Estimate = BackendEstimate & { statistics: DatasetStatistics };

export const finished = (status: JobStatus) => status === "succeeded" || status === "failed" || status === "cancelled";

export function duration(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export const clock = (seconds: number) => new Date(seconds * 1000).toISOString().replace("T", " ").slice(0, 19);
