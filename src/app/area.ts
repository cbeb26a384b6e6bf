import type { ChatMiddleware } from "../gateway/pipeline.js";
import type { RouteRegistrar } from "../http/route-registrar.js";

/**
 * One feature as the app assembles it: what it adds to the chat pipeline, to the other calls
 * (embeddings, text completions), and to the HTTP server, and how it closes. Every area has this
 * one shape; `createApp` lists them and the registry closes them newest first.
 */
export interface Area {
  readonly name: string;
  /** Chat middleware; areas listed first are outermost. */
  readonly middleware?: ChatMiddleware | readonly ChatMiddleware[];
  /** Middleware for embeddings and text completions (limits, metering, guardrails). */
  readonly callMiddleware?: ChatMiddleware | readonly ChatMiddleware[];
  readonly routes?: RouteRegistrar;
  close(): unknown;
}

export function middlewareList(value: ChatMiddleware | readonly ChatMiddleware[] | undefined): ChatMiddleware[] {
  if (value === undefined) return [];
  return "handle" in value ? [value] : [...value];
}
