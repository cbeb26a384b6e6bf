import { SwitchyardError, toSwitchyardError } from "../core/errors.js";

export type WireFormat = "openai" | "anthropic";

/** The body of an error in the API's own format. */
export function errorBody(error: SwitchyardError, format: WireFormat): Record<string, unknown> {
  if (format === "anthropic") {
    return { type: "error", error: { type: error.anthropicType, message: error.message } };
  }
  return { error: { message: error.message, type: error.openaiType, param: error.param ?? null, code: error.code } };
}

/** Headers that go with an error response: Retry-After and the error's own. */
export function errorHeaders(error: SwitchyardError): Record<string, string> {
  const headers: Record<string, string> = { ...error.headers, "x-switchyard-error-code": error.code };
  if (error.retryAfterSeconds !== undefined) headers["retry-after"] = String(Math.max(1, Math.ceil(error.retryAfterSeconds)));
  return headers;
}

/** Maps framework and parser errors (Fastify's FST_ERR_*) onto the catalogue. */
export function fromHttpError(error: unknown): SwitchyardError {
  if (error instanceof SwitchyardError) return error;
  const code = (error as { code?: unknown }).code;
  const message = (error as Error).message ?? "";
  switch (code) {
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new SwitchyardError("SWY_ERR_INVALID_JSON", `The request body is not valid JSON: ${message}`);
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new SwitchyardError("SWY_ERR_PAYLOAD_TOO_LARGE", "The request body is larger than the server accepts.");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new SwitchyardError("SWY_ERR_UNSUPPORTED_MEDIA_TYPE", "Send the request body as application/json.");
    case "FST_ERR_BAD_URL":
      return new SwitchyardError("SWY_ERR_INVALID_REQUEST", "The request path is not a valid URL (bad percent-encoding).");
    case "FST_ERR_MAX_PARAM_LENGTH":
      return new SwitchyardError("SWY_ERR_INVALID_REQUEST", "A path parameter is longer than the server accepts.");
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return new SwitchyardError("SWY_ERR_INVALID_REQUEST", "The Content-Length header does not match the body.");
  }
  if (error instanceof SyntaxError) {
    return new SwitchyardError("SWY_ERR_INVALID_JSON", `The request body is not valid JSON: ${message}`);
  }
  const status = (error as { statusCode?: unknown }).statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    return new SwitchyardError(status === 413 ? "SWY_ERR_PAYLOAD_TOO_LARGE" : "SWY_ERR_INVALID_REQUEST", message);
  }
  return toSwitchyardError(error);
}
