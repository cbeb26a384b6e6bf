import { streamCompletion, type ChatOptions, type ChatStats } from "./chat-stream";

const KEY_STORAGE = "switchyard.apiKey";

export function getApiKey(): string {
  return localStorage.getItem(KEY_STORAGE) ?? "";
}

export function setApiKey(key: string): void {
  localStorage.setItem(KEY_STORAGE, key);
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const key = getApiKey();
  return { ...(key && { authorization: `Bearer ${key}` }), ...extra };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The error object of the answer (`{message, code, param, ...}`), for pages that show more than the message. */
    readonly detail?: Record<string, unknown>,
  ) {
    super(message);
  }
}

async function parse<T>(response: Response): Promise<T> {
  const text = await response.text();
  const body = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const error = (body as { error?: { message?: string } & Record<string, unknown> } | undefined)?.error;
    throw new ApiError(response.status, error?.message ?? `HTTP ${response.status}`, error);
  }
  return body as T;
}

export async function getJson<T>(path: string): Promise<T> {
  return parse<T>(await fetch(path, { headers: headers() }));
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  return parse<T>(await fetch(path, { method: "POST", headers: headers({ "content-type": "application/json" }), body: JSON.stringify(body) }));
}

export async function putJson<T>(path: string, body: unknown): Promise<T> {
  return parse<T>(await fetch(path, { method: "PUT", headers: headers({ "content-type": "application/json" }), body: JSON.stringify(body) }));
}

/** Any JSON call (PATCH, DELETE, ...): the body is sent as JSON when given. */
export async function sendJson<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = body === undefined ? { method, headers: headers() } : { method, headers: headers({ "content-type": "application/json" }), body: JSON.stringify(body) };
  return parse<T>(await fetch(path, init));
}

export async function postForm<T>(path: string, form: FormData): Promise<T> {
  return parse<T>(await fetch(path, { method: "POST", headers: headers(), body: form }));
}

/** What a `type: auto` model decided for one request (`x-switchyard-route-*` headers). */
export interface RouteDecision {
  tier: string;
  score: number;
  threshold: number;
}

/** What `streamChat` resolves with (see chat-stream.ts for every figure). */
export type StreamStats = ChatStats;

/** Rates an answer for the router's retraining data: 1 = good, 0 = bad. */
export function rateAnswer(requestId: string, score: number): Promise<unknown> {
  return postJson("/v1/feedback", { request_id: requestId, score });
}

/** Streams a chat completion, calling onText for each delta; resolves with timing and usage. */
export function streamChat(
  model: string,
  messages: Array<{ role: string; content: string }>,
  onText: (text: string) => void,
  signal?: AbortSignal,
  options: ChatOptions = {},
): Promise<StreamStats> {
  return streamCompletion(model, messages, options, onText, signal);
}
