/**
 * The one error catalogue. Every error Switchyard emits has a stable code, an HTTP status,
 * an OpenAI error type, an Anthropic error type and whether a fallback/retry may help.
 */

export type AnthropicErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "api_error"
  | "overloaded_error";

export interface CatalogueEntry {
  status: number;
  openaiType: string;
  anthropicType: AnthropicErrorType;
  retryable: boolean;
}

const entry = (
  status: number,
  openaiType: string,
  anthropicType: AnthropicErrorType,
  retryable = false,
): CatalogueEntry => ({ status, openaiType, anthropicType, retryable });

export const errorCatalogue = {
  SWY_ERR_INVALID_JSON: entry(400, "invalid_request_error", "invalid_request_error"),
  SWY_ERR_INVALID_REQUEST: entry(400, "invalid_request_error", "invalid_request_error"),
  SWY_ERR_UNSUPPORTED_MEDIA_TYPE: entry(415, "invalid_request_error", "invalid_request_error"),
  SWY_ERR_PAYLOAD_TOO_LARGE: entry(413, "invalid_request_error", "request_too_large"),
  SWY_ERR_CONTEXT_LENGTH_EXCEEDED: entry(400, "invalid_request_error", "invalid_request_error"),
  SWY_ERR_UNAUTHORIZED: entry(401, "authentication_error", "authentication_error"),
  SWY_ERR_FORBIDDEN: entry(403, "permission_error", "permission_error"),
  SWY_ERR_NOT_FOUND: entry(404, "invalid_request_error", "not_found_error"),
  SWY_ERR_MODEL_NOT_FOUND: entry(404, "invalid_request_error", "not_found_error"),
  SWY_ERR_METHOD_NOT_ALLOWED: entry(405, "invalid_request_error", "invalid_request_error"),
  SWY_ERR_CONFLICT: entry(409, "invalid_request_error", "invalid_request_error"),
  SWY_ERR_INVALID_DATASET: entry(400, "invalid_request_error", "invalid_request_error"),
  SWY_ERR_RATE_LIMITED: entry(429, "rate_limit_error", "rate_limit_error"),
  SWY_ERR_BUDGET_EXCEEDED: entry(429, "insufficient_quota", "rate_limit_error"),
  SWY_ERR_QUEUE_FULL: entry(429, "rate_limit_error", "overloaded_error", true),
  SWY_ERR_GUARDRAIL_BLOCKED: entry(400, "invalid_request_error", "invalid_request_error"),
  SWY_ERR_UPSTREAM_BAD_REQUEST: entry(400, "invalid_request_error", "invalid_request_error"),
  SWY_ERR_UPSTREAM_AUTH: entry(502, "upstream_error", "api_error"),
  SWY_ERR_UPSTREAM_NOT_FOUND: entry(404, "invalid_request_error", "not_found_error"),
  SWY_ERR_UPSTREAM_RATE_LIMITED: entry(429, "rate_limit_error", "rate_limit_error", true),
  SWY_ERR_UPSTREAM_ERROR: entry(502, "upstream_error", "api_error", true),
  SWY_ERR_UPSTREAM_UNAVAILABLE: entry(503, "upstream_error", "overloaded_error", true),
  SWY_ERR_UPSTREAM_TIMEOUT: entry(504, "upstream_error", "api_error", true),
  SWY_ERR_UPSTREAM_CONTENT_FILTER: entry(400, "invalid_request_error", "invalid_request_error"),
  SWY_ERR_STREAM_INTERRUPTED: entry(502, "upstream_error", "api_error", true),
  SWY_ERR_MODEL_UNAVAILABLE: entry(503, "server_error", "overloaded_error", true),
  SWY_ERR_CIRCUIT_OPEN: entry(503, "server_error", "overloaded_error", true),
  /** The shared limit/budget counters (Redis) cannot be reached: requests are refused rather than let through unmetered. */
  SWY_ERR_LIMITS_UNAVAILABLE: entry(503, "server_error", "overloaded_error"),
  SWY_ERR_NOT_IMPLEMENTED: entry(501, "invalid_request_error", "invalid_request_error"),
  SWY_ERR_INTERNAL: entry(500, "server_error", "api_error"),
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof errorCatalogue;

export interface UpstreamDetails {
  provider: string;
  url?: string;
  status?: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface SwitchyardErrorOptions {
  /** The request field at fault, as a path (`messages[2].content`). */
  param?: string;
  /** Seconds a client should wait before retrying (sent as Retry-After). */
  retryAfterSeconds?: number;
  upstream?: UpstreamDetails;
  /** Overrides the catalogue's retryable flag (e.g. an upstream 4xx that is worth another route). */
  retryable?: boolean;
  cause?: unknown;
  /** Extra response headers (e.g. remaining budget). */
  headers?: Record<string, string>;
}

export class SwitchyardError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly param?: string;
  readonly retryAfterSeconds?: number;
  readonly upstream?: UpstreamDetails;
  readonly headers?: Record<string, string>;

  constructor(code: ErrorCode, message: string, options: SwitchyardErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SwitchyardError";
    const catalogued = errorCatalogue[code];
    this.code = code;
    this.status = catalogued.status;
    this.retryable = options.retryable ?? catalogued.retryable;
    this.param = options.param;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.upstream = options.upstream;
    this.headers = options.headers;
  }

  get openaiType(): string {
    return errorCatalogue[this.code].openaiType;
  }

  get anthropicType(): AnthropicErrorType {
    return errorCatalogue[this.code].anthropicType;
  }
}

export function isSwitchyardError(value: unknown): value is SwitchyardError {
  return value instanceof SwitchyardError;
}

/** Any thrown value as a SwitchyardError; unknown failures become SWY_ERR_INTERNAL without leaking internals. */
export function toSwitchyardError(value: unknown): SwitchyardError {
  if (value instanceof SwitchyardError) return value;
  if (isAbortError(value)) {
    return new SwitchyardError("SWY_ERR_UPSTREAM_TIMEOUT", "The request was aborted before it completed.", {
      cause: value,
    });
  }
  return new SwitchyardError("SWY_ERR_INTERNAL", "Internal error.", { cause: value });
}

export function isAbortError(value: unknown): boolean {
  return (
    value instanceof Error &&
    (value.name === "AbortError" || (value as { code?: unknown }).code === "UND_ERR_ABORTED")
  );
}
