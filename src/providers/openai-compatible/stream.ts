import type { EventSourceMessage } from "eventsource-parser";
import { SwitchyardError } from "../../core/errors.js";
import { createId } from "../../core/ids.js";
import type { FinishReason, StreamPart } from "../../core/types.js";
import { chunkSchema, type OpenaiChunk } from "./wire.js";
import { isHotChunk } from "./hot-shape.js";
import { convertOpenaiUsage, mapOpenaiFinishReason } from "./finish-reason.js";
import { safeJson } from "../shared/parts.js";
import { read, readChunk, textBetween, type ChunkRead } from "./chunk-reader.js";

/**
 * OpenAI chat-completion SSE events -> canonical stream parts. Only choice 0 is read (n=1).
 * A stream that ends without `[DONE]` or a finish reason is reported as interrupted, never as a clean end.
 */
export async function* openaiEventsToParts(
  events: AsyncIterable<EventSourceMessage>,
  provider: string,
  signal?: AbortSignal,
): AsyncGenerator<StreamPart> {
  const mapper = new OpenaiEventMapper(provider);
  try {
    for await (const event of events) {
      const parts = mapper.event(event.data);
      for (const part of parts) yield part;
      if (mapper.done) break;
    }
  } catch (error) {
    if (signal?.aborted) return;
    yield errorPart(provider, "SWY_ERR_STREAM_INTERRUPTED", `stream broke off: ${(error as Error).message}`);
    return;
  }
  if (mapper.failed) return;
  if (signal?.aborted && !mapper.complete) return;
  yield* mapper.end();
}

/**
 * The translation of one OpenAI stream, one event at a time and without a generator per layer: the
 * provider's stream reads through it, and so does the pass-through fast path of the OpenAI edge
 * (src/api/fast/), so both give the same parts for the same bytes.
 */
export class OpenaiEventMapper {
  /** `[DONE]` arrived, or the stream failed: read no more events. */
  done = false;
  /** An `error` part was produced; nothing follows it. */
  failed = false;
  private readonly openToolCalls = new Set<number>();
  private finish: FinishReason | undefined;
  private sawDone = false;
  private sentMetadata = false;
  /** The text before `choices` of a chunk the reader read whole: the chunks after it usually begin with the same text. */
  private envelope: string | undefined;
  /** A text chunk read whole, around its text: the next text chunks usually differ from it only there. */
  private textPrefix: string | undefined;
  private textSuffix: string | undefined;

  constructor(private readonly provider: string) {}

  /** Whether the stream reached its end (`[DONE]` or a finish reason). */
  get complete(): boolean {
    return this.sawDone || this.finish !== undefined;
  }

  /** The parts for one event's data (often one, sometimes none or several). */
  event(data: string): StreamPart[] {
    if (data === "[DONE]") {
      this.sawDone = true;
      this.done = true;
      return NONE;
    }
    // The usual chunks (the first, text deltas, the finish reason, usage) are read without parsing;
    // the reader answers false for anything else, which the parse reads.
    if (this.textPrefix !== undefined) {
      const text = textBetween(data, this.textPrefix, this.textSuffix!);
      if (text !== undefined) return text.length > 0 ? [{ type: "text-delta", text }] : NONE;
    }
    if (readChunk(data, this.envelope)) {
      if (this.envelope === undefined && read.envelopeEnd > 0) this.envelope = data.slice(0, read.envelopeEnd);
      if (this.textPrefix === undefined && read.contentFrom > 0 && this.sentMetadata && isPlainText(read)) {
        this.textPrefix = data.slice(0, read.contentFrom);
        this.textSuffix = data.slice(read.contentTo);
      }
      return this.fromRead();
    }
    const out: StreamPart[] = [];
    const value = safeJson(data);
    let chunk: OpenaiChunk;
    if (isHotChunk(value)) chunk = value;
    else {
      const parsed = chunkSchema.safeParse(value);
      if (!parsed.success) return this.fail("SWY_ERR_UPSTREAM_ERROR", `invalid stream chunk: ${data.slice(0, 200)}`);
      chunk = parsed.data;
    }
    if (chunk.error) return this.fail("SWY_ERR_UPSTREAM_ERROR", chunk.error.message ?? "error event in stream");
    if (!this.sentMetadata) {
      this.sentMetadata = true;
      out.push({ type: "response-metadata", id: chunk.id ?? undefined, model: chunk.model ?? undefined, created: chunk.created ?? undefined });
    }
    const choice = chunk.choices?.find((candidate) => (candidate.index ?? 0) === 0);
    const delta = choice?.delta;
    if (delta?.reasoning_content) out.push({ type: "reasoning-delta", text: delta.reasoning_content });
    if (delta?.content) out.push({ type: "text-delta", text: delta.content });
    if (delta?.refusal) out.push({ type: "text-delta", text: delta.refusal });
    for (const call of delta?.tool_calls ?? []) {
      const index = call.index ?? 0;
      if (!this.openToolCalls.has(index)) {
        this.openToolCalls.add(index);
        out.push({ type: "tool-call-start", index, id: call.id ?? createId("call_"), name: call.function?.name ?? "" });
      }
      const argumentsDelta = call.function?.arguments;
      if (argumentsDelta) out.push({ type: "tool-call-delta", index, argumentsDelta });
    }
    if (choice?.finish_reason) this.finish = mapOpenaiFinishReason(choice.finish_reason);
    if (chunk.usage) out.push({ type: "usage", usage: convertOpenaiUsage(chunk.usage) });
    return out;
  }

  /** The parts for a chunk the reader read: what the parse below would give for it. */
  private fromRead(): StreamPart[] {
    const chunk = read;
    let out: StreamPart[] | undefined;
    if (!this.sentMetadata) {
      this.sentMetadata = true;
      out = [{ type: "response-metadata", id: chunk.id ?? undefined, model: chunk.model ?? undefined, created: chunk.created ?? undefined }];
    }
    if (chunk.choice) {
      if (chunk.reasoning) (out ??= []).push({ type: "reasoning-delta", text: chunk.reasoning });
      if (chunk.content) {
        const part: StreamPart = { type: "text-delta", text: chunk.content };
        if (out) out.push(part);
        else out = [part];
      }
      if (chunk.refusal) (out ??= []).push({ type: "text-delta", text: chunk.refusal });
      if (chunk.finishReason) this.finish = mapOpenaiFinishReason(chunk.finishReason);
    }
    if (chunk.usage) (out ??= []).push({ type: "usage", usage: convertOpenaiUsage(chunk.usage) });
    return out ?? NONE;
  }

  /** The parts after the last event: tool-call ends and `finish`, or an `error` when the stream broke off. */
  end(): StreamPart[] {
    if (this.failed) return NONE;
    if (!this.complete) return this.fail("SWY_ERR_STREAM_INTERRUPTED", "stream ended before the response was complete");
    const out: StreamPart[] = [];
    for (const index of this.openToolCalls) out.push({ type: "tool-call-end", index });
    out.push({ type: "finish", reason: this.finish ?? { unified: "stop" } });
    return out;
  }

  private fail(code: "SWY_ERR_UPSTREAM_ERROR" | "SWY_ERR_STREAM_INTERRUPTED", message: string): StreamPart[] {
    this.failed = true;
    this.done = true;
    return [errorPart(this.provider, code, message)];
  }
}

const NONE: StreamPart[] = [];

/** A chunk whose only part is its text (so one that differs only in the text gives only that text). */
function isPlainText(chunk: ChunkRead): boolean {
  return chunk.choice && !chunk.reasoning && !chunk.refusal && !chunk.finishReason && chunk.usage == null;
}

export function errorPart(provider: string, code: "SWY_ERR_UPSTREAM_ERROR" | "SWY_ERR_STREAM_INTERRUPTED", message: string): StreamPart {
  return { type: "error", error: new SwitchyardError(code, `${provider}: ${message}`, { upstream: { provider } }) };
}
