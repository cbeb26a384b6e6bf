/** Row types of the batches area (migration 017-batches). */
export interface BatchTable {
  id: string;
  project_id: string;
  /** The key that created the batch: its lines run as that key, within its limits and budget. */
  key_id: string;
  endpoint: string;
  input_file_id: string;
  completion_window: string;
  status: string;
  /** The caller's metadata (JSON), or null. */
  metadata: string | null;
  created_at: number;
  expires_at: number;
  /** Status timestamps (JSON, epoch ms): in_progress_at, finalizing_at, completed_at, ... */
  times: string;
  output_file_id: string | null;
  error_file_id: string | null;
  /** Why the batch failed as a whole (JSON, OpenAI's `errors` list), or null. */
  errors: string | null;
  /** A batch delegated to a provider's own batch API (JSON: provider, ids, status), or null. */
  upstream: string | null;
  /** The node running the batch, and until when (epoch ms; migration 019-batch-leases). */
  lease_owner: string | null;
  lease_until: number | null;
}

export interface BatchLineTable {
  batch_id: string;
  /** 1-based line number in the input file. */
  line: number;
  custom_id: string | null;
  /** pending -> running -> succeeded | failed; a malformed line starts as failed. */
  status: string;
  /** The request body (JSON), or null for a malformed line. */
  request: string | null;
  /** The output or error file line (JSON) once the line has an outcome. */
  result: string | null;
  updated_at: number;
}

declare module "../storage/database.js" {
  interface Database {
    batches: BatchTable;
    batch_lines: BatchLineTable;
  }
}
