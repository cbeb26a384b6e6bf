import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * A fault an emulator applies to the next matching request.
 * - status: answer with that status and the provider's error body
 * - reset: destroy the socket before answering
 * - stall: wait `ms` before answering normally
 * - cut: stream `afterEvents` events, then drop the connection
 * - error-event: stream `afterEvents` events, then an in-stream error event
 */
export type Fault =
  | StatusFault
  | { kind: "reset" }
  | { kind: "stall"; ms: number }
  | { kind: "cut"; afterEvents: number }
  | { kind: "error-event"; afterEvents: number; message?: string };

export type StatusFault = { kind: "status"; status: number; message?: string; headers?: Record<string, string> };

/** Faults queued for the next requests, plus an optional standing fault for every request. */
export class FaultQueue {
  private readonly queue: Fault[] = [];
  standing: Fault | undefined;

  push(...faults: Fault[]): void {
    this.queue.push(...faults);
  }

  next(): Fault | undefined {
    return this.queue.shift() ?? this.standing;
  }

  clear(): void {
    this.queue.length = 0;
    this.standing = undefined;
  }
}

/** A 429 carries `retry-after: 1` unless the fault names its own headers. */
export function faultHeaders(fault: StatusFault): Record<string, string> {
  return { ...(fault.status === 429 && { "retry-after": "1" }), ...fault.headers };
}

/**
 * Applies the faults that act before any response byte; `answer` writes a status fault in the
 * provider's own error format. Returns true when the request has been answered (or dropped).
 */
export async function applyPreFault(
  fault: Fault | undefined,
  request: IncomingMessage,
  response: ServerResponse,
  answer: (fault: StatusFault) => void,
): Promise<boolean> {
  switch (fault?.kind) {
    case "status":
      answer(fault);
      return true;
    case "reset":
      request.socket.destroy();
      return true;
    case "stall":
      await sleep(fault.ms);
      return false;
    case "cut":
    case "error-event":
      // Stream faults: applied while the events are written.
      return false;
    case undefined:
      return false;
  }
}

type Frame = string | Uint8Array;

export interface EventStreamWriting<Event> {
  fault: Fault | undefined;
  /** One event in the provider's framing (an SSE block, a binary event-stream message). */
  frame: (event: Event) => Frame;
  /** The provider's in-stream error, for an error-event fault. */
  errorFrame: (message: string | undefined) => Frame;
  /** What closes a complete stream, such as OpenAI's `data: [DONE]`. */
  terminator?: Frame;
  eventDelayMs?: number;
}

/** Resolves once `frame` is handed to the socket, or the response is gone. */
function flush(response: ServerResponse, frame: Frame): Promise<void> {
  return new Promise((resolve) => {
    if (response.destroyed) return resolve();
    response.once("close", resolve);
    response.write(frame, () => {
      response.off("close", resolve);
      resolve();
    });
  });
}

/**
 * Writes an event stream (headers already sent) and honours the request's fault: `cut` drops the
 * connection before event `afterEvents`, without a chunked terminator; `error-event` ends the stream
 * there with the provider's error. With a fault pending, each event is on the wire before the next,
 * so the fault lands mid-stream rather than in one coalesced packet.
 */
export async function writeEventStream<Event>(response: ServerResponse, events: readonly Event[], writing: EventStreamWriting<Event>): Promise<void> {
  const { fault } = writing;
  for (const [index, event] of events.entries()) {
    if (response.destroyed) return;
    if (fault?.kind === "cut" && index === fault.afterEvents) {
      await flush(response, "");
      response.socket?.destroy();
      return;
    }
    if (fault?.kind === "error-event" && index === fault.afterEvents) {
      response.end(writing.errorFrame(fault.message));
      return;
    }
    if (fault) await flush(response, writing.frame(event));
    else response.write(writing.frame(event));
    if (writing.eventDelayMs) await sleep(writing.eventDelayMs);
  }
  if (writing.terminator === undefined) response.end();
  else response.end(writing.terminator);
}
