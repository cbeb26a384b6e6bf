import { SwitchyardError, isAbortError } from "../../core/errors.js";

/** Maps a failure inside node-llama-cpp during generation onto the catalogue. */
export function localGenerationError(model: string, error: unknown): SwitchyardError {
  if (error instanceof SwitchyardError) return error;
  if (isAbortError(error)) {
    return new SwitchyardError("SWY_ERR_UPSTREAM_TIMEOUT", "The request was aborted before it completed.", { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  if (/context size|fits the context|too long/i.test(message)) {
    return new SwitchyardError("SWY_ERR_CONTEXT_LENGTH_EXCEEDED", `The request does not fit the context of the local model '${model}': ${message}`, {
      cause: error,
    });
  }
  return new SwitchyardError("SWY_ERR_UPSTREAM_ERROR", `The local model '${model}' failed: ${message}`, { cause: error, upstream: { provider: "local" } });
}
