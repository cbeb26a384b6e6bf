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
  response.writeHead(200, { ...SSE_HEADERS, ...headers });
  // Frames produced in the same turn of the event loop (an upstream chunk often carries several
  // events) leave in one write instead of one syscall each. The uncork waits for this turn's
  // setImmediate phase, after the usage journal's (which is queued from the same drain of
  // microtasks): a stream that ends in this turn then sends its content and its final frames
  // (written once the row is journaled; end() flushes the cork) in one write, not two. Nothing is
  // held past this turn.
  let corked = false;
  const uncork = () => {
    corked = false;
    response.uncork();
  };
  const uncorkThisTurn = () => setImmediate(uncork);
  const write = (frames: string): boolean => {
    if (!corked) {
      corked = true;
      response.cork();
      process.nextTick(uncorkThisTurn);
    }
    return response.write(frames);
  };
  try {
    for await (const part of parts) {
      if (response.destroyed) return;
      if (part.type === "error") {
        response.end(encoder.error(part.error));
        return;
      }
      const frames = encoder.frames(part);
      if (frames.length > 0 && !write(frames)) await drained(response);
    }
    if (!response.destroyed) response.end(encoder.end());
  } catch (error) {
    if (!response.destroyed) response.end(encoder.error(error));
  }
}

function drained(response: ServerResponse): Promise<void> {
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
