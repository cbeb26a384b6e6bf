/**
 * Stored responses (`store: true`, the default), one row each. The conversation a later
 * `previous_response_id` continues is kept whole on the row that ends it, so continuing reads one
 * row however long the chain is, and a response stays usable when an earlier one is deleted.
 */
export interface ResponseTable {
  id: string;
  project_id: string;
  /** Epoch milliseconds. */
  created_at: number;
  /** Epoch milliseconds after which the row is gone (retention); null keeps it until deleted. */
  expires_at: number | null;
  status: string;
  model: string;
  previous_response_id: string | null;
  /** The response object as returned (JSON). */
  response: string;
  /** This turn's input items, normalized with ids (JSON array), for `GET .../input_items`. */
  input_items: string;
  /** The canonical conversation through this response's output, instructions excluded (JSON). */
  conversation: string;
}

declare module "../storage/database.js" {
  interface Database {
    responses: ResponseTable;
  }
}
