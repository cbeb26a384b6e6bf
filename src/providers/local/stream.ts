import { createId } from "../../core/ids.js";
import type { StreamPart, Warning } from "../../core/types.js";
import { Channel } from "./channel.js";
import { localGenerationError } from "./errors.js";
import { mapStopReason } from "./finish-reason.js";
import type { Lease } from "./model-pool.js";

export interface GenerationHooks {
  signal: AbortSignal;
  onText(text: string): void;
  onToken(tokens: readonly unknown[]): void;
}

export interface GenerationOutcome {
  stopReason: string;
  functionCalls?: ReadonlyArray<{ functionName: string; params: unknown }>;
}

export interface GenerationJob {
  lease: Lease;
  /** The caller's signal (client disconnect). */
  signal: AbortSignal;
  model: string;
  inputTokens: number;
  warnings: readonly Warning[];
  run(hooks: GenerationHooks): Promise<GenerationOutcome>;
}

/**
 * Runs a generation on a leased sequence and exposes it as canonical parts. Text arrives as it is
 * decoded; usage counts the real prompt and generated tokens. The lease is released when generation
 * ends, and generation stops when the caller aborts or stops reading.
 */
export function streamGeneration(job: GenerationJob): AsyncIterable<StreamPart> {
  const controller = new AbortController();
  const abort = () => controller.abort(job.signal.reason);
  job.signal.addEventListener("abort", abort, { once: true });
  const channel = new Channel<StreamPart>();
  let outputTokens = 0;
  let finished = false;
  for (const warning of job.warnings) channel.push({ type: "warning", warning });
  channel.push({ type: "response-metadata", model: job.model });

  job
    .run({
      signal: controller.signal,
      onText: (text) => {
        if (text.length > 0) channel.push({ type: "text-delta", text });
      },
      onToken: (tokens) => {
        outputTokens += tokens.length;
      },
    })
    .then((outcome) => {
      for (const [index, call] of (outcome.functionCalls ?? []).entries()) {
        channel.push({ type: "tool-call-start", index, id: createId("call_"), name: call.functionName });
        channel.push({ type: "tool-call-delta", index, argumentsDelta: JSON.stringify(call.params ?? {}) });
        channel.push({ type: "tool-call-end", index });
      }
      channel.push({ type: "usage", usage: { inputTokens: job.inputTokens, outputTokens } });
      channel.push({ type: "finish", reason: mapStopReason(outcome.stopReason) });
    })
    .catch((error: unknown) => {
      channel.push({ type: "error", error: localGenerationError(job.model, error) });
    })
    .finally(() => {
      finished = true;
      job.signal.removeEventListener("abort", abort);
      job.lease.release();
      channel.end();
    });

  return (async function* () {
    try {
      for await (const batch of channel) yield* mergeTextDeltas(batch);
    } finally {
      if (!finished) controller.abort(new DOMException("The consumer stopped reading.", "AbortError"));
    }
  })();
}

/** Adjacent text deltas in one batch become one delta: one SSE frame instead of many. */
function mergeTextDeltas(batch: StreamPart[]): StreamPart[] {
  const merged: StreamPart[] = [];
  for (const part of batch) {
    const last = merged.at(-1);
    if (part.type === "text-delta" && last?.type === "text-delta") merged[merged.length - 1] = { type: "text-delta", text: last.text + part.text };
    else merged.push(part);
  }
  return merged;
}
