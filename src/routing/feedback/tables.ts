/**
 * Logged routing traffic for retraining the router. Request ids may be chosen by the client
 * (`x-request-id` is echoed), so two projects can share one: rows are keyed by request id and
 * project together. `project_id` is "" for callers without a project (the master key, anonymous).
 */
export interface RoutingSampleTable {
  request_id: string;
  project_id: string;
  /** Epoch milliseconds. */
  created_at: number;
  /** The public `type: auto` model that was called. */
  auto_model: string;
  /** The tier's public model name that answered: the key its score is written under on export. */
  model: string;
  tier: string;
  /** The router's score for this prompt. */
  score: number;
  key_id: string;
  /** The text the router scored (after guardrail masking). */
  prompt: string;
}

export interface RoutingFeedbackTable {
  request_id: string;
  project_id: string;
  /** 0..1, how good the answer was. */
  score: number;
  comment: string | null;
  key_id: string;
  /** Epoch milliseconds of the latest rating (a new rating replaces the old). */
  created_at: number;
}

declare module "../../storage/database.js" {
  interface Database {
    routing_samples: RoutingSampleTable;
    routing_feedback: RoutingFeedbackTable;
  }
}
