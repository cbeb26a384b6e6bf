import type { ChatRequest } from "../core/types.js";

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

export interface RouteDecision {
  /** The public `type: auto` model that was asked for. */
  autoModel: string;
  tier: "strong" | "middle" | "weak";
  /** The model the request went to. */
  model: string;
  /**
   * The router's score (probability the strong model is needed) and the threshold of the tier it
   * cleared (for the weak tier: the lowest threshold, which it did not clear).
   */
  score: number;
  threshold: number;
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

/** Everything one chat request carries through the middleware chain. */
export interface GatewayContext {
  readonly requestId: string;
  /** The inbound wire format. */
  readonly api: "openai" | "anthropic";
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
  /** Per-request state for middleware, keyed by each middleware's own symbol. */
  readonly state: Map<symbol, unknown>;
  /** The inbound HTTP headers (lower-case names), for middleware that honours per-request options. */
  readonly headers?: Readonly<Record<string, string | string[] | undefined>>;
  /** True when the response cache answered: metering charges no upstream cost. */
  cacheHit?: boolean;
  /** The auto router's choice for a `type: auto` model (usage records carry it). */
  routeDecision?: RouteDecision;
  /**
   * Set by a deployment before it rewrites the request: the public name the client called (per-deployment
   * policies are looked up by it) and how many messages the deployment put in front of the client's.
   */
  deployment?: { name: string; prependedMessages: number };
}
