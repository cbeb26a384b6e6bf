import type { RetryConfig } from "./config-schema.js";

/**
 * Delay before retry number `retry` (1-based): exponential with jitter, never shorter than the
 * upstream's Retry-After. Returns undefined when the retry should be skipped (Retry-After too long
 * or the wait would not fit before the request's deadline).
 */
export function retryDelay(
  retry: number,
  config: RetryConfig,
  retryAfterSeconds: number | undefined,
  remainingMs: number,
  random: () => number = Math.random,
): number | undefined {
  const base = Math.min(config.max_delay_ms, config.initial_delay_ms * config.multiplier ** (retry - 1));
  let delay = base * (1 - config.jitter) + base * config.jitter * random();
  if (retryAfterSeconds !== undefined) {
    const retryAfterMs = retryAfterSeconds * 1000;
    if (retryAfterMs > config.max_retry_after_ms) return undefined;
    delay = Math.max(delay, retryAfterMs);
  }
  // Leave room for the retry itself to do some work before the deadline.
  if (delay >= remainingMs * 0.5) return undefined;
  return Math.round(delay);
}

export function sleep(milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, milliseconds);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
