import type { ServerResponse } from "node:http";
import type { StreamPart } from "../core/types.js";

export interface SseEncoder {
  /** SSE frames (`data: ...\n\n`, optionally with `event:`) for one part. */
  frames(part: StreamPart): string;
  /** Frames after the last part (usage, [DONE], message_stop). */
  end(): string;
  /** The final frame for a failure after streaming began. */
  error(error: unknown): string;
}

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  connection: "keep-alive",
  "x-accel-buffering": "no",
} as const;

/**
 * Writes a canonical stream as SSE. Honours backpressure; stops reading (and so aborts the
 * upstream) when the client goes away. A failure mid-stream ends with the encoder's error frame.
 */
export async function writeSse(
  response: ServerResponse,
  headers: Record<string, string>,
  parts: AsyncIterable<StreamPart>,
  encoder: SseEncoder,
): Promise<void> {
  const sink = new SseSink(response, headers, encoder);
  try {
    for await (const part of parts) {
      if (response.destroyed) return;
      if (part.type === "error") {
        sink.fail(part.error);
        return;
      }
      if (!sink.part(part)) await drained(response);
    }
    sink.end();
  } catch (error) {
    sink.fail(error);
  }
}

/**
 * The SSE response of one stream, pushed a part at a time: `writeSse` pulls parts into it, and the
 * OpenAI edge's fast path pushes them as upstream events arrive, so both write the same bytes.
 */
export class SseSink {
  private pending = "";
  private scheduled = false;
  /**
   * Set when the last write said the client's buffer is full, cleared on `drain`. The write's own
   * answer is what counts: `writableNeedDrain` alone never clears on responses whose socket does not
   * report drains (Fastify's inject), which would wait forever.
   */
  private blocked = false;
  private readonly unblock = () => {
    this.blocked = false;
  };
  private readonly flush = () => {
    this.scheduled = false;
    if (this.pending.length === 0 || this.response.destroyed || this.response.writableEnded) return;
    const frames = this.pending;
    this.pending = "";
    if (!this.response.write(frames)) {
      this.blocked = true;
      this.response.once("drain", this.unblock);
    }
  };
  private readonly flushThisTurn = () => setImmediate(this.flush);

  constructor(
    private readonly response: ServerResponse,
    headers: Record<string, string>,
    private readonly encoder: SseEncoder,
  ) {
    response.writeHead(200, { ...SSE_HEADERS, ...headers });
  }

  /** Takes one part's frames; false when the client's buffer is full (wait for `drain`). */
  part(part: StreamPart): boolean {
    const frames = this.encoder.frames(part);
    if (frames.length > 0) {
      this.pending += frames;
      if (!this.scheduled) {
        this.scheduled = true;
        process.nextTick(this.flushThisTurn);
      }
    }
    return !this.blocked;
  }

  /** The final frames (usage, [DONE]) and the end of the response. */
  end(): void {
    this.close(this.encoder.end());
  }

  /** A failure after streaming began: the encoder's error frame ends the response. */
  fail(error: unknown): void {
    this.close(this.encoder.error(error));
  }

  private close(last: string): void {
    if (this.response.destroyed) return;
    const frames = this.pending + last;
    this.pending = "";
    this.response.end(frames);
  }

  // Frames produced in the same turn of the event loop (an upstream chunk often carries several
  // events) leave as one string in one write: one syscall, and none of the per-write work a stream
  // does for each chunk. The write waits for this turn's setImmediate phase, after the usage
  // journal's (which is queued from the same drain of microtasks): a stream that ends in this turn
  // then sends its content and its final frames (written once the row is journaled) together, with
  // the headers. Nothing is held past this turn.
}

export function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off("drain", done);
      response.off("close", done);
      resolve();
    };
    response.on("drain", done);
    response.on("close", done);
  });
}
