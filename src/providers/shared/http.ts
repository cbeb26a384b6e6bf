import type { Dispatcher } from "undici";
import { Agent, request } from "./undici-core.js";
import { SwitchyardError, isAbortError, type ErrorCode } from "../../core/errors.js";

export type UpstreamBody = Dispatcher.ResponseData["body"];

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string>;
  body: UpstreamBody;
}

/**
 * One keep-alive pool per provider endpoint family. `headersTimeoutMs` bounds the wait for the
 * upstream's response headers; once a stream has begun, the request deadline bounds it instead,
 * since a model may pause for long stretches while it thinks.
 */
export function createDispatcher(options: { connectTimeoutMs?: number; headersTimeoutMs?: number } = {}): Agent {
  return new Agent({
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    bodyTimeout: 0,
    headersTimeout: options.headersTimeoutMs ?? 0,
  });
}

export interface SendOptions {
  provider: string;
  url: string;
  method?: "POST" | "GET" | "DELETE";
  headers: Record<string, string>;
  body?: string | Uint8Array;
  signal: AbortSignal;
  dispatcher: Dispatcher;
  /** Pulls a human-readable message out of an upstream error body. */
  errorMessage?: (body: string) => string | undefined;
}

/**
 * Sends one upstream request. Resolves with the open response when the status is 2xx; otherwise
 * reads the error body (bounded) and rejects with a catalogued SwitchyardError.
 */
export async function sendUpstream(options: SendOptions): Promise<UpstreamResponse> {
  let response: Dispatcher.ResponseData;
  try {
    response = await request(options.url, {
      method: options.method ?? "POST",
      headers: options.headers,
      body: options.body,
      signal: options.signal,
      dispatcher: options.dispatcher,
    });
  } catch (error) {
    throw connectionError(options.provider, options.url, error, options.signal);
  }
  const headers = flattenHeaders(response.headers);
  if (response.statusCode >= 200 && response.statusCode < 300) {
    return { status: response.statusCode, headers, body: response.body };
  }
  const text = await readBounded(response.body, 64 * 1024).catch(() => "");
  const message = options.errorMessage?.(text) ?? (text.slice(0, 500) || `HTTP ${response.statusCode}`);
  throw statusError(options.provider, options.url, response.statusCode, headers, text, message);
}

export function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    out[key] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

export async function readBounded(body: UpstreamBody, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) {
      chunks.push(buffer.subarray(0, Math.max(0, buffer.length - (size - limit))));
      body.destroy();
      break;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Parses a Retry-After header (seconds or HTTP date) and the `retry-after-ms` variant. */
export function parseRetryAfter(headers: Record<string, string>): number | undefined {
  const milliseconds = headers["retry-after-ms"];
  if (milliseconds !== undefined && Number.isFinite(Number(milliseconds))) {
    return Math.max(0, Number(milliseconds) / 1000);
  }
  const value = headers["retry-after"];
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

export function statusError(
  provider: string,
  url: string,
  status: number,
  headers: Record<string, string>,
  body: string,
  message: string,
): SwitchyardError {
  const code = codeForStatus(status);
  return new SwitchyardError(code, `${provider}: ${message}`, {
    upstream: { provider, url, status, body, headers },
    retryAfterSeconds: status === 429 || status === 503 || status === 529 ? parseRetryAfter(headers) : undefined,
  });
}

function codeForStatus(status: number): ErrorCode {
  if (status === 401 || status === 403) return "SWY_ERR_UPSTREAM_AUTH";
  if (status === 404) return "SWY_ERR_UPSTREAM_NOT_FOUND";
  if (status === 408) return "SWY_ERR_UPSTREAM_TIMEOUT";
  if (status === 413) return "SWY_ERR_PAYLOAD_TOO_LARGE";
  if (status === 429) return "SWY_ERR_UPSTREAM_RATE_LIMITED";
  if (status === 503 || status === 529) return "SWY_ERR_UPSTREAM_UNAVAILABLE";
  if (status === 504) return "SWY_ERR_UPSTREAM_TIMEOUT";
  if (status >= 500 || status === 409) return "SWY_ERR_UPSTREAM_ERROR";
  return "SWY_ERR_UPSTREAM_BAD_REQUEST";
}

/** A failure before any response: refused, reset, DNS, TLS or timeout. Client aborts pass through. */
export function connectionError(provider: string, url: string, error: unknown, signal?: AbortSignal): unknown {
  if (signal?.aborted && isAbortError(error)) return error;
  const code = (error as { code?: string }).code ?? "";
  const timeout = code.includes("TIMEOUT") || isAbortError(error);
  return new SwitchyardError(
    timeout ? "SWY_ERR_UPSTREAM_TIMEOUT" : "SWY_ERR_UPSTREAM_UNAVAILABLE",
    `${provider}: ${timeout ? "timed out" : "could not be reached"} (${code || (error as Error).message})`,
    { upstream: { provider, url }, cause: error },
  );
}

/** Tries to read `{error: {message}}`, `{message}` or `{error: "..."}` error bodies. */
export function genericErrorMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof parsed.error === "string") return parsed.error;
    if (parsed.error && typeof parsed.error.message === "string") return parsed.error.message;
    if (typeof parsed.message === "string") return parsed.message;
  } catch {
    // not JSON
  }
  return undefined;
}
