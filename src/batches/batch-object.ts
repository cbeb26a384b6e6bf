import { unixSeconds } from "../core/ids.js";
import type { BatchRecord, RequestCounts } from "./types.js";

const seconds = (ms: number | undefined) => (ms === undefined ? null : unixSeconds(ms));

/** A batch in OpenAI's wire shape. */
export function toBatchObject(batch: BatchRecord, counts: RequestCounts) {
  const { times } = batch;
  return {
    id: batch.id,
    object: "batch" as const,
    endpoint: batch.endpoint,
    errors: batch.errors,
    input_file_id: batch.inputFileId,
    completion_window: batch.completionWindow,
    status: batch.status,
    output_file_id: batch.outputFileId,
    error_file_id: batch.errorFileId,
    created_at: unixSeconds(batch.createdAt),
    in_progress_at: seconds(times.in_progress_at),
    expires_at: unixSeconds(batch.expiresAt),
    finalizing_at: seconds(times.finalizing_at),
    completed_at: seconds(times.completed_at),
    failed_at: seconds(times.failed_at),
    expired_at: seconds(times.expired_at),
    cancelling_at: seconds(times.cancelling_at),
    cancelled_at: seconds(times.cancelled_at),
    request_counts: counts,
    metadata: batch.metadata,
    // Which way it ran: on this gateway, or through a provider's own batch API (for its discount).
    switchyard: batch.upstream ? { execution: "delegated", provider: batch.upstream.provider, upstream_batch_id: batch.upstream.batchId ?? null } : { execution: "gateway" },
  };
}
