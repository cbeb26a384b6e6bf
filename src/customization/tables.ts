
export interface CustomizationFileTable {
  id: string;
  project_id: string;
  filename: string;
  purpose: string;
  bytes: number;
  created_at: number;
  /** The dataset validation report (JSON), for fine-tune files. */
  report: string | null;
}

export interface FineTuningJobTable {
  id: string;
  project_id: string;
  backend: string;
  model: string;
  status: string;
  created_at: number;
  finished_at: number | null;
  /** The create request as accepted (JSON). */
  request: string;
  /** Everything that changes while the job runs (JSON): metrics, checkpoints, result, error. */
  state: string;
  /** The node that runs the job, and until when (ms) its claim holds unless renewed. */
  lease_owner: string | null;
  lease_until: number | null;
}

export interface FineTuningEventTable {
  id: string;
  job_id: string;
  seq: number;
  created_at: number;
  level: string;
  type: string;
  message: string;
  data: string | null;
}

declare module "../storage/database.js" {
  interface Database {
    customization_files: CustomizationFileTable;
    fine_tuning_jobs: FineTuningJobTable;
    fine_tuning_events: FineTuningEventTable;
  }
}
