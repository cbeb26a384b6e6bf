import { createParser } from "eventsource-parser";
import { SwitchyardError, toSwitchyardError } from "../../core/errors.js";
import type { StreamPart } from "../../core/types.js";
import type { GatewayContext } from "../../gateway/context.js";
import { OpenaiEventMapper } from "../../providers/openai-compatible/stream.js";
import { dispatchUpstream, type UpstreamCall, type UpstreamControl, type UpstreamListener } from "../../providers/shared/dispatch.js";
import type { AttemptOptions, AttemptOutcome } from "../../routing/attempt.js";
import type { Route } from "../../routing/model-registry.js";
import type { HotChatRequest } from "../../providers/openai-compatible/hot-request-body.js";
import { Utf8Chunks } from "../../providers/shared/utf8-chunks.js";
import { onAbort, type AbortWaiters } from "./connection-signal.js";

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

/** Ends a body read to its last event whose upstream did not end it within the turn; built once (no stack per stream). */
const READ_TO_END = new Error("the stream was read to its end");

/**
 * `openAttempt` (src/routing/attempt.ts) for the OpenAI edge's fast path: the same timeouts, abort
 * linking, read-ahead and settling, but the request is dispatched with a handler
 * (`dispatchUpstream`) and its body's bytes go straight into one SSE parser and one event mapper,
 * pushing parts to the response: no Readable, no generator per layer, no AbortController per attempt.
 */
export async function openFastAttempt(
  context: GatewayContext,
  route: Route,
  options: AttemptOptions,
  request: HotChatRequest,
): Promise<{ result: FastAttempt; firstPartMs: number }> {
  const wire = route.provider.openaiChat!;
  const started = performance.now();
  const remaining = Math.max(1, options.deadline - started);
  const total = Math.min(route.timeoutMs ?? options.timeouts.total_ms ?? remaining, remaining);
  const attempt = new UpstreamAttempt(context, route.provider.name, context.stream, wire.maxResponseBytes, options);
  attempt.arm("total", total);
  attempt.connectTimer = attempt.arm("connect", options.timeouts.connect_ms);
  attempt.firstTokenTimer = attempt.arm("first token", options.timeouts.first_token_ms);
  attempt.start(wire.callHot(request, route.model, context.stream));
  try {
    await attempt.opened;
    // A loop, not a spread: spreading the parts' generator into `push` takes V8's generic path.
    if (!context.stream) for (const part of wire.completionParts(attempt.text)) attempt.held.push(part);
  } catch (error) {
    attempt.openFailed(error);
  }
  if (attempt.firstTokenTimer) clearTimeout(attempt.firstTokenTimer);
  return { result: attempt, firstPartMs: performance.now() - started };
}

function unsupported(): never {
  throw new Error("a JSON attempt has no stream");
}

/**
 * One upstream request and its body: for JSON, read whole before `opened` resolves; for a stream,
 * held parts until the first visible one, then pushed to the listener as events arrive.
 */
class UpstreamAttempt implements FastAttempt, UpstreamListener {
  readonly held: StreamPart[] = [];
  readonly opened: Promise<void>;
  connectTimer: ReturnType<typeof setTimeout> | undefined;
  firstTokenTimer: ReturnType<typeof setTimeout> | undefined;
  /** A JSON body as read, for `completionParts`. */
  text = "";
  private control: UpstreamControl | undefined;
  private timedOut: { kind: TimeoutKind; ms: number } | undefined;
  private readonly timers: Array<ReturnType<typeof setTimeout>> = [];
  private settled = false;
  /** The first client-visible part was read. */
  private visible = false;
  /** The upstream answered 2xx: later failures are the stream's, not the request's. */
  private responded = false;
  private finished = false;
  /** Finished without an error part: the listener hears `end()`. */
  private clean = false;
  private ended = false;
  private paused = false;
  private listener: PartListener | undefined;
  private queue: StreamPart[] = [];
  private chunks: Buffer[] = [];
  private bytes = 0;
  private mapper: OpenaiEventMapper | undefined;
  private parser: ReturnType<typeof createParser> | undefined;
  private utf8: Utf8Chunks | undefined;
  private resolveOpen!: () => void;
  private rejectOpen!: (error: unknown) => void;
  private readonly onClientAbort = () => this.control?.abort(this.context.signal.reason as Error);
  private waiters: AbortWaiters | undefined;

  constructor(
    private readonly context: GatewayContext,
    private readonly provider: string,
    private readonly stream: boolean,
    private readonly maxResponseBytes: number,
    private readonly options: AttemptOptions,
  ) {
    this.opened = new Promise<void>((resolve, reject) => {
      this.resolveOpen = resolve;
      this.rejectOpen = reject;
    });
  }

  arm(kind: TimeoutKind, ms: number | undefined): ReturnType<typeof setTimeout> | undefined {
    if (ms === undefined) return undefined;
    const timer = setTimeout(() => {
      this.timedOut = { kind, ms };
      this.control?.abort(new SwitchyardError("SWY_ERR_UPSTREAM_TIMEOUT", `${this.provider}: no ${kind} within ${ms} ms`));
    }, Math.max(1, ms));
    this.timers.push(timer);
    return timer;
  }

  start(call: UpstreamCall): void {
    this.control = dispatchUpstream(call, this);
    if (this.finished) return;
    this.waiters = onAbort(this.context.signal, this.onClientAbort);
  }

  /** The attempt failed before its first visible part: settle it and throw what the router should see. */
  openFailed(error: unknown): never {
    const clientGone = this.context.signal.aborted && !this.timedOut;
    const mapped = this.failure(error);
    this.settle(clientGone ? "abandoned" : "failure", mapped);
    throw clientGone ? error : mapped;
  }

  complete(): void {
    if (this.stream) unsupported();
    this.settle("success");
  }

  listen(listener: PartListener): void {
    if (!this.stream) unsupported();
    this.listener = listener;
    const queued = this.queue;
    this.queue = [];
    for (const part of queued) listener.part(part);
    if (this.finished) this.finish();
    else this.resume();
  }

  pause(): void {
    if (!this.stream) unsupported();
    this.paused = true;
  }

  resume(): void {
    if (!this.stream) unsupported();
    if (!this.paused) return;
    this.paused = false;
    if (!this.finished) this.control?.resume();
  }

  // UpstreamListener: what the dispatched request reports.

  open(): void {
    this.responded = true;
    if (this.connectTimer) clearTimeout(this.connectTimer);
    if (!this.stream) return;
    this.mapper = new OpenaiEventMapper(this.provider);
    this.utf8 = new Utf8Chunks();
    const mapper = this.mapper;
    this.parser = createParser({ onEvent: (event) => this.deliver(mapper.event(event.data)) });
  }

  data(chunk: Buffer): boolean {
    if (this.finished) return true;
    if (!this.stream) {
      this.bytes += chunk.length;
      if (this.bytes > this.maxResponseBytes) {
        // As `readBounded` does: keep what fits and stop reading; the cut body then fails to parse.
        this.chunks.push(chunk.subarray(0, chunk.length - (this.bytes - this.maxResponseBytes)));
        this.jsonRead();
        this.control?.abort(READ_TO_END);
        return true;
      }
      this.chunks.push(chunk);
      return true;
    }
    this.parser!.feed(this.utf8!.decode(chunk));
    if (this.mapper!.done && !this.finished) this.close();
    return !this.paused;
  }

  end(): void {
    this.ended = true;
    if (this.finished) return;
    if (!this.stream) {
      this.jsonRead();
      return;
    }
    this.parser!.feed(this.utf8!.end());
    if (!this.finished) this.close();
  }

  error(error: unknown): void {
    this.ended = true;
    if (this.finished) return;
    if (!this.stream || !this.responded) {
      // No answer yet (rejected as `sendUpstream` rejects), or a JSON body broke off: the router may fall back.
      this.finished = true;
      this.rejectOpen(error);
    } else if (this.timedOut) {
      this.fail(error);
    } else if (this.context.signal.aborted) {
      this.finished = true;
      this.settle("abandoned");
      if (!this.visible) this.rejectOpen(error);
      else this.listener?.abandoned();
    } else {
      const provider = this.provider;
      const message = error instanceof Error ? error.message : String(error);
      this.fail(new SwitchyardError("SWY_ERR_STREAM_INTERRUPTED", `${provider}: stream broke off: ${message}`, { upstream: { provider } }));
    }
  }

  private jsonRead(): void {
    this.finished = true;
    this.text = (this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks)).toString("utf8");
    this.chunks = [];
    this.resolveOpen();
  }

  private settle(outcome: AttemptOutcome, error?: SwitchyardError): void {
    if (this.settled) return;
    this.settled = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.waiters?.delete(this.onClientAbort);
    this.options.settle(outcome, error);
  }

  private failure(error: unknown): SwitchyardError {
    if (this.timedOut) {
      return new SwitchyardError("SWY_ERR_UPSTREAM_TIMEOUT", `${this.provider}: no ${this.timedOut.kind} within ${this.timedOut.ms} ms`, {
        upstream: { provider: this.provider },
      });
    }
    return toSwitchyardError(error);
  }

  /** The last event was read (or the body ended): the closing parts, then the end. */
  private close(): void {
    this.deliver(this.mapper!.end());
    if (this.finished) return;
    this.finished = true;
    this.clean = true;
    this.settle("success");
    if (!this.visible) {
      // A stream with nothing visible in it (only metadata) still opens; its end follows at once.
      this.visible = true;
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
      if (!this.visible) {
        this.held.push(part);
        if (!SILENT_PARTS.has(part.type)) {
          this.visible = true;
          // What follows queues until the fast path listens (a few microtasks later): no pause and
          // resume of the upstream's socket for it.
          this.resolveOpen();
        }
      } else if (this.listener) this.listener.part(part);
      else this.queue.push(part);
    }
  }

  private fail(error: unknown): void {
    this.finished = true;
    const mapped = this.failure(error);
    if (!this.visible) {
      this.rejectOpen(this.context.signal.aborted && !this.timedOut ? error : mapped);
      this.control?.abort(READ_TO_END);
      return;
    }
    this.settle(this.context.signal.aborted ? "abandoned" : "failure", mapped);
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
   * (aborting a request that has not ended closes its connection), then let go.
   */
  private stopBody(): void {
    if (this.ended) return;
    // Reading again (the client's backpressure may have paused it) so that its end can arrive.
    this.paused = false;
    this.control?.resume();
    setImmediate(() => {
      if (!this.ended) this.control?.abort(READ_TO_END);
    });
  }
}
