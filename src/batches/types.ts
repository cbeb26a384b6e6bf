/** The Batches API's vocabulary, as OpenAI defines it. */
export const batchEndpoints = ["/v1/chat/completions", "/v1/embeddings"] as const;
export type BatchEndpoint = (typeof batchEndpoints)[number];

export type BatchStatus = "validating" | "failed" | "in_progress" | "finalizing" | "completed" | "expired" | "cancelling" | "cancelled";

/** Statuses a batch never leaves. */
export const finalStatuses: ReadonlySet<BatchStatus> = new Set(["failed", "completed", "expired", "cancelled"]);

export type LineStatus = "pending" | "running" | "succeeded" | "failed";

export interface BatchTimes {
  in_progress_at?: number;
  finalizing_at?: number;
  completed_at?: number;
  failed_at?: number;
  expired_at?: number;
  cancelling_at?: number;
  cancelled_at?: number;
}

/** A batch delegated to a provider's own batch API. */
export interface UpstreamBatch {
  provider: string;
  /** The upstream model every line is sent with, and the public name the lines asked for. */
  model: string;
  publicModel: string;
  inputFileId?: string;
  batchId?: string;
  status?: string;
  cancelSent?: boolean;
  /** Lines reserved against the budget and sent upstream; the others failed here (budget, validation). */
  sent: Array<{ line: number; customId: string; estimateNano: number; at: number }>;
}

export interface BatchRecord {
  id: string;
  projectId: string;
  keyId: string;
  endpoint: BatchEndpoint;
  inputFileId: string;
  completionWindow: string;
  status: BatchStatus;
  metadata: Record<string, string> | null;
  createdAt: number;
  expiresAt: number;
  times: BatchTimes;
  outputFileId: string | null;
  errorFileId: string | null;
  errors: BatchErrors | null;
  upstream: UpstreamBatch | null;
}

export interface BatchErrors {
  object: "list";
  data: Array<{ code: string; message: string; param: string | null; line: number | null }>;
}

export interface RequestCounts {
  total: number;
  completed: number;
  failed: number;
}

/** One line of an output or error file, in OpenAI's format. */
export interface ResultLine {
  id: string;
  custom_id: string | null;
  response: { status_code: number; request_id: string; body: unknown } | null;
  error: { code: string; message: string } | null;
}
