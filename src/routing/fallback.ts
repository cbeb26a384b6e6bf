import { SwitchyardError, isAbortError, toSwitchyardError } from "../core/errors.js";
import type { StreamPart } from "../core/types.js";
import type { GatewayContext } from "../gateway/context.js";
import type { ChatResult } from "../gateway/pipeline.js";
import type { ModelEntry, Route } from "./model-registry.js";

/** Parts that put no byte on the wire to the client; a failure after only these can still fall back. */
const SILENT_PARTS = new Set<StreamPart["type"]>(["response-metadata", "warning"]);

/**
 * Tries the entry's routes in order. An attempt fails over when it is rejected with a retryable
 * error, or when its stream fails before the first part a client would see.
 */
export async function runWithFallback(context: GatewayContext, entry: ModelEntry): Promise<ChatResult> {
  if (entry.routes.length === 0) {
    throw new SwitchyardError("SWY_ERR_MODEL_UNAVAILABLE", `The model '${entry.name}' has no usable route.`);
  }
  let lastError: SwitchyardError | undefined;
  for (const [index, route] of entry.routes.entries()) {
    const isLast = index === entry.routes.length - 1;
    const started = performance.now();
    try {
      const result = await attempt(context, route);
      context.attempts.push({ provider: route.provider.name, model: route.model, durationMs: performance.now() - started });
      context.route = { provider: route.provider.name, providerType: route.provider.type, model: route.model };
      return result;
    } catch (error) {
      if (context.signal.aborted && isAbortError(error)) throw error;
      const failure = toSwitchyardError(error);
      context.attempts.push({
        provider: route.provider.name,
        model: route.model,
        error: failure.code,
        status: failure.upstream?.status,
        durationMs: performance.now() - started,
      });
      lastError = failure;
      if (isLast || !failure.retryable || context.signal.aborted) throw failure;
    }
  }
  throw lastError!;
}

/** One route: opens the stream and reads ahead to the first client-visible part. */
async function attempt(context: GatewayContext, route: Route): Promise<ChatResult> {
  const stream = await route.provider.stream(
    { ...context.request, model: route.model },
    { signal: context.signal, requestId: context.requestId, stream: context.stream },
  );
  const iterator = stream[Symbol.asyncIterator]();
  const held: StreamPart[] = [];
  for (;;) {
    const next = await iterator.next();
    if (next.done) break;
    const part = next.value;
    if (part.type === "error") {
      await iterator.return?.();
      throw part.error;
    }
    held.push(part);
    if (!SILENT_PARTS.has(part.type)) break;
  }
  return { stream: replay(held, iterator) };
}

async function* replay(held: StreamPart[], iterator: AsyncIterator<StreamPart>): AsyncGenerator<StreamPart> {
  try {
    yield* held;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await iterator.return?.();
  }
}
