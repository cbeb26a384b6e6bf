import { SwitchyardError, toSwitchyardError } from "../core/errors.js";
import type { StreamPart } from "../core/types.js";
import type { GatewayContext } from "../gateway/context.js";
import type { ChatResult } from "../gateway/pipeline.js";
import type { TimeoutsConfig } from "./config-schema.js";
import type { Route } from "./model-registry.js";

/** Parts that put no byte on the wire to the client; a failure after only these can still fall back. */
const SILENT_PARTS = new Set<StreamPart["type"]>(["response-metadata", "warning"]);

export type AttemptOutcome = "success" | "failure" | "abandoned";

export interface AttemptOptions {
  timeouts: TimeoutsConfig;
  /** Epoch-free deadline in `performance.now()` ms for the whole request. */
  deadline: number;
  /** Called once when the attempt's fate is known: at open failure or at the end of its stream. */
  settle(outcome: AttemptOutcome, error?: SwitchyardError): void;
}

export interface OpenedAttempt {
  result: ChatResult;
  /** ms from the start of the attempt to its first client-visible part. */
  firstPartMs: number;
}

type TimeoutKind = "connect" | "first token" | "total";

/**
 * One try of one route with its own abort controller (linked to the client's), so a per-route
 * timeout cancels only this upstream call. It opens the stream and reads ahead to the first part a
 * client would see; failures up to there reject (the caller may fall back), later ones become an
 * `error` part.
 */
export async function openAttempt(context: GatewayContext, route: Route, options: AttemptOptions): Promise<OpenedAttempt> {
  const started = performance.now();
  const controller = new AbortController();
  const onClientAbort = () => controller.abort(context.signal.reason);
  if (context.signal.aborted) controller.abort(context.signal.reason);
  else context.signal.addEventListener("abort", onClientAbort, { once: true });
  let timedOut: { kind: TimeoutKind; ms: number } | undefined;
  const timers: Array<ReturnType<typeof setTimeout>> = [];
  const arm = (kind: TimeoutKind, ms: number | undefined) => {
    if (ms === undefined) return undefined;
    const timer = setTimeout(() => {
      timedOut = { kind, ms };
      controller.abort(new SwitchyardError("SWY_ERR_UPSTREAM_TIMEOUT", `${route.provider.name}: no ${kind} within ${ms} ms`));
    }, Math.max(1, ms));
    timers.push(timer);
    return timer;
  };
  const remaining = Math.max(1, options.deadline - started);
  const total = Math.min(route.timeoutMs ?? options.timeouts.total_ms ?? remaining, remaining);
  arm("total", total);
  const connectTimer = arm("connect", options.timeouts.connect_ms);
  const firstTokenTimer = arm("first token", options.timeouts.first_token_ms);
  let settled = false;
  const cleanup = () => {
    for (const timer of timers) clearTimeout(timer);
    context.signal.removeEventListener("abort", onClientAbort);
  };
  const settle = (outcome: AttemptOutcome, error?: SwitchyardError) => {
    if (settled) return;
    settled = true;
    cleanup();
    options.settle(outcome, error);
  };
  const failure = (error: unknown): SwitchyardError => {
    if (timedOut) {
      return new SwitchyardError("SWY_ERR_UPSTREAM_TIMEOUT", `${route.provider.name}: no ${timedOut.kind} within ${timedOut.ms} ms`, {
        upstream: { provider: route.provider.name },
      });
    }
    return toSwitchyardError(error);
  };

  let iterator: AsyncIterator<StreamPart>;
  const held: StreamPart[] = [];
  try {
    const stream = await route.provider.stream(
      { ...context.request, model: route.model },
      { signal: controller.signal, requestId: context.requestId, stream: context.stream, timeoutMs: total },
    );
    if (connectTimer) clearTimeout(connectTimer);
    iterator = stream[Symbol.asyncIterator]();
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
  } catch (error) {
    const clientGone = context.signal.aborted && !timedOut;
    const mapped = failure(error);
    settle(clientGone ? "abandoned" : "failure", mapped);
    if (clientGone) throw error;
    throw mapped;
  }
  if (firstTokenTimer) clearTimeout(firstTokenTimer);
  const timeoutError = () => (timedOut ? failure(undefined) : undefined);
  return { result: { stream: replay(held, iterator, settle, failure, timeoutError, context.signal) }, firstPartMs: performance.now() - started };
}

async function* replay(
  held: StreamPart[],
  iterator: AsyncIterator<StreamPart>,
  settle: (outcome: AttemptOutcome, error?: SwitchyardError) => void,
  failure: (error: unknown) => SwitchyardError,
  timeoutError: () => SwitchyardError | undefined,
  clientSignal: AbortSignal,
): AsyncGenerator<StreamPart> {
  try {
    yield* held;
    for (;;) {
      let next: IteratorResult<StreamPart>;
      try {
        next = await iterator.next();
      } catch (error) {
        const mapped = failure(error);
        settle(clientSignal.aborted ? "abandoned" : "failure", mapped);
        yield { type: "error", error: mapped };
        return;
      }
      if (next.done) {
        // A provider may end its stream quietly when its signal aborts; a timeout must still be reported.
        const timeout = timeoutError();
        if (timeout) {
          settle("failure", timeout);
          yield { type: "error", error: timeout };
          return;
        }
        settle("success");
        return;
      }
      if (next.value.type === "error") {
        const mapped = failure(next.value.error);
        settle(clientSignal.aborted ? "abandoned" : "failure", mapped);
        yield { type: "error", error: mapped };
        return;
      }
      yield next.value;
    }
  } finally {
    settle("abandoned");
    await iterator.return?.();
  }
}
