import type { SwitchyardError } from "../core/errors.js";
import type { FallbackOnConfig } from "./config-schema.js";

/** Whether a failed attempt may be retried or handed to the next route under this model's `fallback_on`. */
export function triggersFallback(error: SwitchyardError, config: FallbackOnConfig): boolean {
  if (error.code === "SWY_ERR_CIRCUIT_OPEN") return true;
  if (error.code === "SWY_ERR_UPSTREAM_CONTENT_FILTER") return config.content_filter;
  const status = error.upstream?.status;
  if (status !== undefined) return config.status_codes.includes(status);
  if (error.code === "SWY_ERR_UPSTREAM_TIMEOUT") return config.timeouts;
  if (error.code === "SWY_ERR_UPSTREAM_UNAVAILABLE" || error.code === "SWY_ERR_STREAM_INTERRUPTED") return config.connection_errors;
  return error.retryable;
}

/**
 * Whether a failure says something about the endpoint's health. A bad request does not, and neither
 * does a 429: throttling is answered by Retry-After and fallback, and opening the breaker on it would
 * turn a few seconds of rate limiting into a cooldown-long outage for single-route models.
 */
export function countsAgainstBreaker(error: SwitchyardError): boolean {
  if (error.code === "SWY_ERR_CIRCUIT_OPEN") return false;
  const status = error.upstream?.status;
  if (status !== undefined) return status >= 500 || status === 408;
  return error.code === "SWY_ERR_UPSTREAM_TIMEOUT" || error.code === "SWY_ERR_UPSTREAM_UNAVAILABLE" || error.code === "SWY_ERR_STREAM_INTERRUPTED" || error.code === "SWY_ERR_UPSTREAM_ERROR";
}
