import { SwitchyardError, type ErrorCode } from "../../core/errors.js";
import { errorBodySchema } from "./wire.js";

/** Anthropic error bodies: `{type: "error", error: {type, message}}`. */
export function anthropicErrorMessage(body: string): string | undefined {
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(body));
    if (!parsed.success) return undefined;
    const error = parsed.data.error;
    if (!error?.message) return undefined;
    return error.type ? `${error.type}: ${error.message}` : error.message;
  } catch {
    return undefined;
  }
}

/** Anthropic error types (as sent in an `error` event inside a 200 stream) -> catalogue codes. */
export function codeForAnthropicErrorType(type: string | null | undefined): ErrorCode {
  switch (type) {
    case "overloaded_error":
      return "SWY_ERR_UPSTREAM_UNAVAILABLE";
    case "rate_limit_error":
      return "SWY_ERR_UPSTREAM_RATE_LIMITED";
    case "invalid_request_error":
      return "SWY_ERR_UPSTREAM_BAD_REQUEST";
    case "authentication_error":
    case "permission_error":
      return "SWY_ERR_UPSTREAM_AUTH";
    case "not_found_error":
      return "SWY_ERR_UPSTREAM_NOT_FOUND";
    case "request_too_large":
      return "SWY_ERR_PAYLOAD_TOO_LARGE";
    case null:
    case undefined:
    default:
      return "SWY_ERR_UPSTREAM_ERROR";
  }
}

export function streamErrorPart(provider: string, code: ErrorCode, message: string) {
  return {
    type: "error" as const,
    error: new SwitchyardError(code, `${provider}: ${message}`, { upstream: { provider } }),
  };
}
