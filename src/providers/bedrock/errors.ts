import { SwitchyardError, type ErrorCode } from "../../core/errors.js";

/** Bedrock error bodies: `{message}` (sometimes `{Message}`); the type is in `x-amzn-errortype`. */
export function bedrockErrorMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; Message?: unknown };
    if (typeof parsed.message === "string") return parsed.message;
    if (typeof parsed.Message === "string") return parsed.Message;
  } catch {
    // not JSON
  }
  return undefined;
}

const exceptionCodes: Record<string, ErrorCode> = {
  throttlingException: "SWY_ERR_UPSTREAM_RATE_LIMITED",
  serviceUnavailableException: "SWY_ERR_UPSTREAM_UNAVAILABLE",
  modelStreamErrorException: "SWY_ERR_UPSTREAM_ERROR",
  internalServerException: "SWY_ERR_UPSTREAM_ERROR",
  modelTimeoutException: "SWY_ERR_UPSTREAM_TIMEOUT",
  validationException: "SWY_ERR_UPSTREAM_BAD_REQUEST",
};

/** An exception message inside a 200 event stream -> a catalogued error (retryable unless the request was bad). */
export function streamExceptionError(provider: string, exceptionType: string, message: string): SwitchyardError {
  const code = exceptionCodes[exceptionType] ?? "SWY_ERR_UPSTREAM_ERROR";
  return new SwitchyardError(code, `${provider}: ${exceptionType}: ${message}`, { upstream: { provider } });
}
