import type { Dispatcher } from "undici";
import { connectionError, statusError } from "./http.js";

/** One upstream request, as `sendUpstream` would send it, for a caller that reads the answer itself. */
export interface UpstreamCall {
  provider: string;
  /** The full URL (for error details); `origin` and `path` are its parts. */
  url: string;
  origin: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  dispatcher: Dispatcher;
  errorMessage?: (body: string) => string | undefined;
}

/** What the caller hears from one dispatched request. */
export interface UpstreamListener {
  /** A 2xx status and its headers; the body follows through `data`. */
  open(status: number): void;
  /** A piece of the body; false asks for no more until `resume`. */
  data(chunk: Buffer): boolean;
  end(): void;
  /**
   * The request failed. Before `open`, the error is what `sendUpstream` would reject with (a
   * catalogued error for a non-2xx status or a connection failure; the abort reason when aborted);
   * after it, the socket's or the abort's own error.
   */
  error(error: unknown): void;
}

export interface UpstreamControl {
  /** Ends the request; the listener hears `error(reason)` unless it already ended. */
  abort(reason: Error): void;
  resume(): void;
}

const ERROR_BODY_LIMIT = 64 * 1024;

/**
 * Sends one request through the dispatcher with a handler instead of `undici.request`: no URL
 * parse, no Readable for the body, no AbortSignal, no promise. The body's bytes reach the listener
 * as the socket delivers them. Status and connection failures map exactly as in `sendUpstream`.
 */
export function dispatchUpstream(call: UpstreamCall, listener: UpstreamListener): UpstreamControl {
  const handler = new Handler(call, listener);
  try {
    call.dispatcher.dispatch({ origin: call.origin, path: call.path, method: "POST", headers: call.headers, body: call.body }, handler);
  } catch (error) {
    handler.onError(error as Error);
  }
  return handler;
}

class Handler implements Dispatcher.DispatchHandler, UpstreamControl {
  private abortRequest: ((error?: Error) => void) | undefined;
  private pendingAbort: Error | undefined;
  private resumeBody: (() => void) | undefined;
  private status = 0;
  private headers: Record<string, string> | undefined;
  /** A non-2xx answer's body, read up to its limit for the error. */
  private errorChunks: Buffer[] | undefined;
  private errorBytes = 0;
  private aborted = false;
  private done = false;

  constructor(
    private readonly call: UpstreamCall,
    private readonly listener: UpstreamListener,
  ) {}

  abort(reason: Error): void {
    if (this.done || this.aborted) return;
    this.aborted = true;
    if (this.abortRequest) this.abortRequest(reason);
    else this.pendingAbort = reason;
  }

  resume(): void {
    this.resumeBody?.();
  }

  onConnect(abort: (error?: Error) => void): void {
    this.abortRequest = abort;
    if (this.pendingAbort) abort(this.pendingAbort);
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    this.status = statusCode;
    this.resumeBody = resume;
    if (statusCode >= 200 && statusCode < 300) {
      this.listener.open(statusCode);
      return true;
    }
    this.headers = rawHeadersToRecord(rawHeaders);
    this.errorChunks = [];
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.done) return true;
    if (this.errorChunks === undefined) return this.listener.data(chunk);
    if (this.errorBytes < ERROR_BODY_LIMIT) {
      this.errorChunks.push(chunk);
      this.errorBytes += chunk.length;
    }
    return true;
  }

  onComplete(): void {
    if (this.done) return;
    this.done = true;
    if (this.errorChunks === undefined) {
      this.listener.end();
      return;
    }
    const text = Buffer.concat(this.errorChunks).subarray(0, ERROR_BODY_LIMIT).toString("utf8");
    const message = this.call.errorMessage?.(text) ?? (text.slice(0, 500) || `HTTP ${this.status}`);
    this.listener.error(statusError(this.call.provider, this.call.url, this.status, this.headers ?? {}, text, message));
  }

  onError(error: Error): void {
    if (this.done) return;
    this.done = true;
    if (this.status >= 200 && this.status < 300) {
      this.listener.error(error);
    } else if (this.errorChunks !== undefined) {
      // The error body broke off: the status alone, as `sendUpstream` reports it then.
      this.listener.error(statusError(this.call.provider, this.call.url, this.status, this.headers ?? {}, "", `HTTP ${this.status}`));
    } else {
      this.listener.error(this.aborted ? error : connectionError(this.call.provider, this.call.url, error));
    }
  }
}

/** Raw header pairs -> lower-case names, repeated values joined as `flattenHeaders` joins them. */
function rawHeadersToRecord(raw: Buffer[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = raw[index]!.toString("latin1").toLowerCase();
    if (name === "__proto__") continue;
    const value = raw[index + 1]!.toString("latin1");
    const previous = out[name];
    out[name] = previous === undefined ? value : `${previous}, ${value}`;
  }
  return out;
}
