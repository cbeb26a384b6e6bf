import { SwitchyardError } from "../../core/errors.js";
import type { Route } from "../../routing/model-registry.js";
import type { DatasetStatistics } from "../files/dataset-validation.js";

export type JobStatus = "validating_files" | "queued" | "running" | "succeeded" | "failed" | "cancelled";
export type BackendName = "local" | "openai";

export const terminalStatuses: ReadonlySet<JobStatus> = new Set(["succeeded", "failed", "cancelled"]);

export interface Hyperparameters {
  n_epochs: number;
  learning_rate_multiplier: number;
  batch_size: number;
  /**
   * Switchyard extension, local backend only: which tensors train (see trainer/trainable-policy.ts).
   * Absent on openai jobs and on local jobs created before it existed (those trained every tensor).
   */
  trainable?: string;
}

/** The create request after defaults are settled. */
export interface JobRequest {
  model: string;
  training_file: string;
  validation_file: string | null;
  hyperparameters: Hyperparameters;
  seed: number;
  suffix: string | null;
  metadata: Record<string, string> | null;
  backend: BackendName;
}

export interface StepMetric {
  step: number;
  /** Steps the whole job will take, when the backend knows it (progress bars). */
  total_steps?: number;
  epoch: number;
  train_loss: number;
  valid_loss?: number;
}

export interface Checkpoint {
  id: string;
  created_at: number;
  step_number: number;
  epoch: number;
  /** A routable model name (for the local backend, served like the final model). */
  fine_tuned_model_checkpoint: string;
  metrics: { train_loss: number; valid_loss?: number };
}

export interface JobState {
  fine_tuned_model: string | null;
  trained_tokens: number | null;
  error: { code: string; message: string; param: string | null } | null;
  started_at: number | null;
  estimated_finish: number | null;
  metrics: StepMetric[];
  checkpoints: Checkpoint[];
  /** Backend-private progress that survives a restart (e.g. the upstream job id). */
  backend: Record<string, unknown>;
  /** Base vs fine-tuned held-out loss (local backend). */
  evaluation?: { base_valid_loss: number | null; final_valid_loss: number | null };
  statistics?: DatasetStatistics;
}

export interface JobRecord {
  id: string;
  projectId: string;
  status: JobStatus;
  createdAt: number;
  finishedAt: number | null;
  request: JobRequest;
  state: JobState;
}

/**
 * A job's run is aborted for one of two reasons: its owner cancelled it (stop for good: cancel upstream, drop
 * the work files) or the gateway is shutting down (keep everything, the run resumes after the restart).
 */
export class JobCancelled extends SwitchyardError {
  constructor(jobId: string) {
    super("SWY_ERR_CONFLICT", `The fine-tuning job ${jobId} was cancelled.`);
  }
}

export function wasCancelled(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason instanceof JobCancelled;
}

export interface RunHooks {
  /** Aborted on cancel (reason `JobCancelled`) and on shutdown. */
  signal: AbortSignal;
  /** The backend calls this when the job leaves its queue and starts to train; rejects if it was cancelled meanwhile. */
  start(): Promise<void>;
  event(message: string, options?: { level?: "info" | "warn" | "error"; type?: "message" | "metrics"; data?: unknown }): Promise<void>;
  metric(metric: StepMetric): void;
  checkpoint(checkpoint: Omit<Checkpoint, "id" | "created_at">, route: Route): Promise<void>;
  /** Persists backend-private progress at once (so a restart can pick it up). */
  save(backendState: Record<string, unknown>): Promise<void>;
}

export interface RunResult {
  fineTunedModel: string;
  route: Route;
  trainedTokens: number;
  evaluation?: JobState["evaluation"];
}

export interface Estimate {
  backend: BackendName;
  trained_tokens: number;
  cost_usd: number;
  seconds: number;
  /** Local backend: the training speed the time assumes, on this node's threads. */
  tokens_per_second?: number;
  /** Local backend: where that speed came from (local-estimate.ts). */
  speed_basis?: "configured" | "model" | "default";
}

/** What a job would fine-tune: its base model and (local backend) which tensors train. */
export interface EstimateTarget {
  model: string;
  /** The settled policy; absent on jobs stored before it existed (they train every tensor). */
  trainable?: string;
}

export interface FineTuningBackend {
  readonly name: BackendName;
  /** Without a target (a file upload names no model) the estimate is for the backend's usual model. */
  estimate(statistics: DatasetStatistics, epochs: number, target?: EstimateTarget): Promise<Estimate>;
  /** Throws a 4xx SwitchyardError when this backend cannot fine-tune the model. */
  check(model: string): void;
  run(job: JobRecord, data: { training: string[]; validation: string[]; trainingContent: Buffer; validationContent: Buffer | null }, hooks: RunHooks): Promise<RunResult>;
  /** The route of a model this backend made earlier (re-registration after a restart). */
  routeFor(job: JobRecord, model: string): Route | undefined;
  /** The route of one of a job's checkpoints, when checkpoints are servable. */
  checkpointRouteFor?(job: JobRecord, checkpoint: Checkpoint): Route | undefined;
  /**
   * Makes the file behind a job's model (or one checkpoint's) present on this node before it is
   * served here, when another node trained it. Backends whose models live upstream have none.
   */
  fetch?(job: JobRecord, checkpoint?: Checkpoint): Promise<void>;
}
