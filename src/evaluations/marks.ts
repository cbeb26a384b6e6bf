/**
 * How evaluation calls are marked: the request log does not store them (they must not become
 * training data of the models they measure), and they carry the evaluation's id. Their usage rows
 * are still written, with request ids starting `evalreq_`, so what evaluations cost stays
 * attributable (join `usage_records.request_id` with `evaluation_results.request_id`).
 */
export const EVALUATION_HEADER = "x-switchyard-evaluation";
export const EVALUATION_REQUEST_PREFIX = "evalreq_";
