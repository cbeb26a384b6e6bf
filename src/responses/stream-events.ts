import type { SseEncoder } from "../api/sse.js";
import { toSwitchyardError } from "../core/errors.js";
import type { StreamPart } from "../core/types.js";
import { OutputAssembler, type ResponseEvent } from "./output-items.js";
import { failureOf, outcomeOf, responseObject, type ResponseSettings } from "./response-object.js";

/**
 * One response being produced: the output items as parts arrive, the typed events that announce
 * them (each with its `sequence_number`), and the final response object. The same run serves JSON
 * responses (events unused) and SSE.
 */
export class ResponseRun {
  readonly assembler: OutputAssembler;
  private sequence = 0;
  private started = false;
  private closing: ResponseEvent[] = [];
  private finalResponse?: Record<string, unknown>;

  constructor(
    readonly settings: ResponseSettings,
    options: { includeSignatures: boolean },
  ) {
    this.assembler = new OutputAssembler(options);
  }

  /** `response.created` and `response.in_progress`, once. */
  start(): ResponseEvent[] {
    if (this.started) return [];
    this.started = true;
    const response = responseObject(this.settings, { status: "in_progress", output: [] });
    return [
      { type: "response.created", response },
      { type: "response.in_progress", response },
    ];
  }

  accept(part: StreamPart): ResponseEvent[] {
    return [...this.start(), ...this.assembler.accept(part)];
  }

  /** The stream ended: closes open items and builds the final response (completed or incomplete). */
  complete(): Record<string, unknown> {
    if (this.finalResponse) return this.finalResponse;
    const closing = [...this.start(), ...this.assembler.close()];
    const outcome = outcomeOf(this.assembler.finish);
    const response = responseObject(this.settings, { ...outcome, output: this.assembler.output, usage: this.assembler.usage });
    const terminal = outcome.status === "completed" ? "response.completed" : outcome.status === "failed" ? "response.failed" : "response.incomplete";
    this.closing = [...closing, { type: terminal, response }];
    this.finalResponse = response;
    return response;
  }

  /**
   * The stream failed after it began: OpenAI's `error` event, then `response.failed` with what was
   * produced. A failure after `complete()` (the response could not be stored) still replaces the
   * closing events, which have not been sent: the client must not see `response.completed` for a
   * response it cannot continue from.
   */
  fail(error: unknown): Record<string, unknown> {
    if (this.finalResponse?.status === "failed") return this.finalResponse;
    const failure = toSwitchyardError(error);
    const response = responseObject(this.settings, { status: "failed", output: this.assembler.output, usage: this.assembler.usage, error: failureOf(failure) });
    this.closing = [
      ...this.start(),
      { type: "error", code: failure.code, message: failure.message, param: failure.param ?? null },
      { type: "response.failed", response },
    ];
    this.finalResponse = response;
    return response;
  }

  /** The events after the last part, as SSE frames. */
  closingFrames(): string {
    const events = this.closing;
    this.closing = [];
    return this.frames(events);
  }

  frames(events: readonly ResponseEvent[]): string {
    let out = "";
    for (const event of events) {
      out += `event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: this.sequence++ })}\n\n`;
    }
    return out;
  }
}

/** The run as `writeSse` drives it; completing and storing happen in the parts wrapper before `end()`. */
export function responseSseEncoder(run: ResponseRun): SseEncoder {
  return {
    frames: (part) => run.frames(run.accept(part)),
    end: () => {
      run.complete();
      return run.closingFrames();
    },
    error: (error) => {
      run.fail(error);
      return run.closingFrames();
    },
  };
}
