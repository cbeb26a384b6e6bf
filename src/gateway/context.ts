import type { ChatRequest } from "../core/types.js";
import type { ContextState } from "./state.js";

/** What a virtual key may do beyond calling models: `admin` and `viewer` reach its project's admin API. */
export type KeyRole = "admin" | "member" | "viewer";

/** Who is calling: filled by authentication. */
export interface Principal {
  /** `master` for the master key, `anonymous` when no auth is configured, else a virtual key id. */
  keyId: string;
  projectId?: string;
  /** The key's role; the master key administers everything, virtual keys default to `member`. */
  role?: KeyRole;
  /** Models this key may call; undefined means all. */
  allowedModels?: readonly string[];
  metadata?: Record<string, unknown>;
  /** Budget standing, when the control plane knows it; the auto router leans to cheaper models as it runs low. */
  budget?: { remainingFraction?: number };
}

/**
 * The project whose own models (fine-tunes) a caller may use: its key's project. The master key and
 * anonymous callers (no master key configured, loopback only) are the operator and see every project's.
 */
export function modelScope(principal: Principal): string | undefined {
  if (principal.keyId === "master" || principal.keyId === "anonymous") return undefined;
  return principal.projectId ?? "default";
}

export interface Attempt {
  provider: string;
  model: string;
  /** Catalogue code of the failure, when the attempt failed. */
  error?: string;
  /** The upstream HTTP status of a failed attempt, when there was one. */
  status?: number;
  durationMs: number;
}

/**
 * What the caller asked for. Embeddings and text completions travel through the call middleware as a
 * one-message chat request (so limits and metering estimate and count them the same way), and
 * middleware that must tell them apart (guardrails naming fields, metering, logs) reads this.
 */
export type Operation = "chat" | "embeddings" | "completions";

/** Everything one call carries through the middleware chain. */
export interface GatewayContext {
  readonly requestId: string;
  /** The inbound wire format. */
  readonly api: "openai" | "anthropic";
  readonly operation: Operation;
  /** The canonical request; `model` is the public model name. Middleware may replace it. */
  request: ChatRequest;
  readonly stream: boolean;
  readonly signal: AbortSignal;
  readonly startedAt: number;
  principal: Principal;
  /** Headers for the client response; set them before the stream's first part. */
  readonly responseHeaders: Record<string, string>;
  /** The route that answered (set by the router). */
  route?: { provider: string; providerType: string; model: string };
  readonly attempts: Attempt[];
  /** Per-request state of the features, under typed keys each feature owns (`getState`/`setState`, src/gateway/state.ts). */
  readonly state: ContextState;
  /** The inbound HTTP headers (lower-case names), for middleware that honours per-request options. */
  readonly headers?: Readonly<Record<string, string | string[] | undefined>>;
}
