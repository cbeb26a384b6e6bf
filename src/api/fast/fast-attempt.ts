import { createParser } from "eventsource-parser";
import { SwitchyardError, toSwitchyardError } from "../../core/errors.js";
import type { StreamPart } from "../../core/types.js";
import type { GatewayContext } from "../../gateway/context.js";
import { OpenaiEventMapper } from "../../providers/openai-compatible/stream.js";
import { readBounded, type UpstreamBody } from "../../providers/shared/http.js";
import type { AttemptOptions, AttemptOutcome } from "../../routing/attempt.js";
import type { Route } from "../../routing/model-registry.js";

/** Parts that put no byte on the wire to the client; a failure after only these can still fall back. */
const SILENT_PARTS = new Set<StreamPart["type"]>(["response-metadata", "warning"]);

/** Where the rest of a streamed attempt goes once it is open. Parts arrive as upstream events do. */
export interface PartListener {
  part(part: StreamPart): void;
  /** The stream ended cleanly (after its `finish`) or with an `error` part. */
  end(): void;
  /** The client went away; nothing more comes. */
  abandoned(): void;
}

/** An attempt that reached its first client-visible part. */
export interface FastAttempt {
  /** The parts read so far: all of them for a JSON response, up to the first visible one for a stream. */
  readonly held: StreamPart[];
  /** JSON: the response was read whole; settles the attempt (its routing figures) as a success. */
  complete(): void;
  /** Streams: sends the rest of the parts to the listener. */
  listen(listener: PartListener): void;
  /** Backpressure from the client: stop and resume reading the upstream body. */
  pause(): void;
  resume(): void;
}

type TimeoutKind = "connect" | "first token" | "total";

/**
 * `openAttempt` (src/routing/attempt.ts) for the OpenAI edge's fast path: the same timeouts, abort
 * linking, read-ahead and settling, but the upstream body is read here with one SSE parser and one
 * event mapper, pushing parts to the response instead of pulling them through a generator per layer.
 */
export async function openFastAttempt(context: GatewayContext, route: Route, options: AttemptOptions): Promise<{ result: FastAttempt; firstPartMs: number }> {
  const wire = route.provider.openaiChat!;
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
  const settle = (outcome: AttemptOutcome, error?: SwitchyardError) => {
    if (settled) return;
    settled = true;
    for (const timer of timers) clearTimeout(timer);
    context.signal.removeEventListener("abort", onClientAbort);
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
  const openFailed = (error: unknown): never => {
    const clientGone = context.signal.aborted && !timedOut;
    const mapped = failure(error);
    settle(clientGone ? "abandoned" : "failure", mapped);
    throw clientGone ? error : mapped;
  };

  try {
    const response = await wire.send({ ...context.request, model: route.model }, { signal: controller.signal, requestId: context.requestId, stream: context.stream, timeoutMs: total });
    if (connectTimer) clearTimeout(connectTimer);
    if (!context.stream) {
      const held = [...wire.completionParts(await readBounded(response.body, wire.maxResponseBytes))];
      if (firstTokenTimer) clearTimeout(firstTokenTimer);
      const result: FastAttempt = { held, complete: () => settle("success"), listen: unsupported, pause: unsupported, resume: unsupported };
      return { result, firstPartMs: performance.now() - started };
    }
    const stream = new UpstreamStream(response.body, route.provider.name, context.signal, settle, failure, () => timedOut !== undefined);
    await stream.opened;
    if (firstTokenTimer) clearTimeout(firstTokenTimer);
    return { result: stream, firstPartMs: performance.now() - started };
  } catch (error) {
    return openFailed(error);
  }
}

function unsupported(): never {
  throw new Error("a JSON attempt has no stream");
}

/** One upstream SSE body read as events arrive: held parts until open, then pushed to the listener. */
class UpstreamStream implements FastAttempt {
  readonly held: StreamPart[] = [];
  readonly opened: Promise<void>;
  private open = false;
  private finished = false;
  /** Finished without an error part: the listener hears `end()`. */
  private clean = false;
  private listener: PartListener | undefined;
  private queue: StreamPart[] = [];
  private ended = false;
  private readonly mapper: OpenaiEventMapper;
  private readonly parser;
  private readonly decoder = new TextDecoder();
  private resolveOpen!: () => void;
  private rejectOpen!: (error: unknown) => void;

  constructor(
    private readonly body: UpstreamBody,
    private readonly provider: string,
    private readonly clientSignal: AbortSignal,
    private readonly settle: (outcome: AttemptOutcome, error?: SwitchyardError) => void,
    private readonly failure: (error: unknown) => SwitchyardError,
    private readonly timedOut: () => boolean,
  ) {
    this.mapper = new OpenaiEventMapper(provider);
    this.parser = createParser({ onEvent: (event) => this.deliver(this.mapper.event(event.data)) });
    this.opened = new Promise<void>((resolve, reject) => {
      this.resolveOpen = resolve;
      this.rejectOpen = reject;
    });
    body.on("data", (chunk: Buffer) => this.onData(chunk));
    body.on("end", () => this.onEnd());
    body.on("error", (error: Error) => this.onError(error));
  }

  complete(): void {
    unsupported();
  }

  listen(listener: PartListener): void {
    this.listener = listener;
    const queued = this.queue;
    this.queue = [];
    for (const part of queued) listener.part(part);
    if (this.finished) this.finish();
    else this.body.resume();
  }

  pause(): void {
    this.body.pause();
  }

  resume(): void {
    if (!this.finished) this.body.resume();
  }

  private onData(chunk: Buffer): void {
    if (this.finished) return;
    this.parser.feed(this.decoder.decode(chunk, { stream: true }));
    if (this.mapper.done && !this.finished) this.close();
  }

  private onEnd(): void {
    this.ended = true;
    if (this.finished) return;
    this.parser.feed(this.decoder.decode());
    if (!this.finished) this.close();
  }

  private onError(error: Error): void {
    if (this.finished) return;
    if (this.timedOut()) {
      this.fail(error);
    } else if (this.clientSignal.aborted) {
      this.finished = true;
      this.settle("abandoned");
      if (!this.open) this.rejectOpen(error);
      else this.listener?.abandoned();
    } else {
      const provider = this.provider;
      this.fail(new SwitchyardError("SWY_ERR_STREAM_INTERRUPTED", `${provider}: stream broke off: ${error.message}`, { upstream: { provider } }));
    }
  }

  /** The last event was read (or the body ended): the closing parts, then the end. */
  private close(): void {
    this.deliver(this.mapper.end());
    if (this.finished) return;
    this.finished = true;
    this.clean = true;
    this.settle("success");
    if (!this.open) {
      // A stream with nothing visible in it (only metadata) still opens; its end follows at once.
      this.open = true;
      this.resolveOpen();
    }
    this.finish();
    this.stopBody();
  }

  private deliver(parts: StreamPart[]): void {
    for (const part of parts) {
      if (this.finished) return;
      if (part.type === "error") {
        this.fail(part.error);
        return;
      }
      if (!this.open) {
        this.held.push(part);
        if (!SILENT_PARTS.has(part.type)) {
          this.open = true;
          // Nothing is pushed until the fast path listens.
          this.body.pause();
          this.resolveOpen();
        }
      } else if (this.listener) this.listener.part(part);
      else this.queue.push(part);
    }
  }

  private fail(error: unknown): void {
    this.finished = true;
    const mapped = this.failure(error);
    if (!this.open) {
      this.settle(this.clientSignal.aborted ? "abandoned" : "failure", mapped);
      this.rejectOpen(this.clientSignal.aborted && !this.timedOut() ? error : mapped);
      this.body.destroy();
      return;
    }
    this.settle(this.clientSignal.aborted ? "abandoned" : "failure", mapped);
    const part: StreamPart = { type: "error", error: mapped };
    if (this.listener) this.listener.part(part);
    else this.queue.push(part);
    this.stopBody();
  }

  private finish(): void {
    if (this.clean && this.listener && this.queue.length === 0) this.listener.end();
  }

  /**
   * After the provider's last event the body usually ends in the same turn; give it that turn
   * (destroying a body that has not ended builds an AbortError with a stack trace), then let go.
   */
  private stopBody(): void {
    if (this.ended) return;
    // Flowing again (it may have been paused at the first part) so that its end can arrive.
    this.body.resume();
    setImmediate(() => {
      if (!this.ended) this.body.destroy();
    });
  }
}
