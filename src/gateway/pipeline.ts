import type { StreamPart } from "../core/types.js";
import type { GatewayContext } from "./context.js";

export interface ChatResult {
  /** Canonical parts; failures after the first part are `error` parts, never thrown. */
  stream: AsyncIterable<StreamPart>;
}

export type ChatHandler = (context: GatewayContext) => Promise<ChatResult>;

/**
 * A cross-cutting concern around a chat call (limits, guardrails, cache, metering):
 * it may change the request, answer itself, throw a SwitchyardError, or wrap the stream.
 */
export interface ChatMiddleware {
  readonly name: string;
  handle(context: GatewayContext, next: ChatHandler): Promise<ChatResult>;
}

/** Onion composition: the first middleware is outermost. */
export function composeChat(middlewares: readonly ChatMiddleware[], terminal: ChatHandler): ChatHandler {
  let handler = terminal;
  for (let index = middlewares.length - 1; index >= 0; index--) {
    const middleware = middlewares[index]!;
    const next = handler;
    handler = (context) => middleware.handle(context, next);
  }
  return handler;
}
