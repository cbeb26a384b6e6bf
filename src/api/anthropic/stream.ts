import { toSwitchyardError } from "../../core/errors.js";
import type { FinishReason, StreamPart, Usage } from "../../core/types.js";
import { errorBody } from "../../http/wire-error.js";
import type { SseEncoder } from "../sse.js";
import { toAnthropicStopReason, toAnthropicUsage } from "./stop-reason.js";

interface ToolCall {
  id: string;
  name: string;
  /** The block index once the call's content_block_start went out. */
  block?: number;
  /** Argument deltas that arrived while another block was open. */
  pending: string[];
  ended: boolean;
}

type OpenBlock = { kind: "text" | "thinking"; index: number } | { kind: "tool"; index: number; call: ToolCall };

const frame = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

/**
 * Canonical stream parts -> Anthropic's exact event sequence: message_start, ping, then for each
 * content block content_block_start / content_block_delta... / content_block_stop (blocks numbered
 * 0..n, one open at a time), then message_delta with stop_reason and usage, and message_stop.
 * Tool calls whose deltas interleave upstream are queued so that each block stays contiguous.
 */
export class AnthropicEventEncoder implements SseEncoder {
  private started = false;
  private open: OpenBlock | undefined;
  private nextIndex = 0;
  private readonly calls = new Map<number, ToolCall>();
  private readonly queued: ToolCall[] = [];
  private usage: Usage | undefined;
  private finish: FinishReason | undefined;

  constructor(private readonly meta: { id: string; model: string }) {}

  frames(part: StreamPart): string {
    let out = this.start();
    switch (part.type) {
      case "text-delta":
        if (!part.text) break;
        out += this.ensure("text");
        out += frame("content_block_delta", { index: this.open!.index, delta: { type: "text_delta", text: part.text } });
        break;
      case "reasoning-delta":
        if (!part.text && !part.signature) break;
        out += this.ensure("thinking");
        if (part.text) out += frame("content_block_delta", { index: this.open!.index, delta: { type: "thinking_delta", thinking: part.text } });
        if (part.signature) out += frame("content_block_delta", { index: this.open!.index, delta: { type: "signature_delta", signature: part.signature } });
        break;
      case "tool-call-start": {
        const call: ToolCall = { id: part.id, name: part.name, pending: [], ended: false };
        this.calls.set(part.index, call);
        if (this.open?.kind === "tool") this.queued.push(call);
        else out += this.close() + this.openTool(call);
        break;
      }
      case "tool-call-delta": {
        const call = this.calls.get(part.index);
        if (!call || !part.argumentsDelta) break;
        if (call.block === undefined) call.pending.push(part.argumentsDelta);
        else out += this.jsonDelta(call.block, part.argumentsDelta);
        break;
      }
      case "tool-call-end": {
        const call = this.calls.get(part.index);
        if (!call) break;
        call.ended = true;
        if (this.open?.kind === "tool" && this.open.call === call) out += this.close() + this.drainEnded();
        break;
      }
      case "usage":
        this.usage = part.usage;
        break;
      case "finish":
        this.finish = part.reason;
        break;
      case "response-metadata":
      case "warning":
        // Anthropic's stream has no place for either; the message id and model come from the request.
        break;
      case "error":
        // The writer ends the stream with `error(...)` before a part of this type reaches here.
        break;
    }
    return out;
  }

  end(): string {
    return (
      this.start() +
      this.flushAll() +
      frame("message_delta", {
        delta: { stop_reason: toAnthropicStopReason(this.finish ?? { unified: "stop" }), stop_sequence: null },
        usage: toAnthropicUsage(this.usage),
      }) +
      frame("message_stop", {})
    );
  }

  error(error: unknown): string {
    return `event: error\ndata: ${JSON.stringify(errorBody(toSwitchyardError(error), "anthropic"))}\n\n`;
  }

  private start(): string {
    if (this.started) return "";
    this.started = true;
    const message = {
      id: this.meta.id,
      type: "message",
      role: "assistant",
      model: this.meta.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      // Usage is only known at the end; message_delta carries the totals.
      usage: { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 },
    };
    return frame("message_start", { message }) + frame("ping", {});
  }

  private ensure(kind: "text" | "thinking"): string {
    if (this.open?.kind === kind) return "";
    const out = this.flushAll();
    const index = this.nextIndex++;
    this.open = { kind, index };
    const block = kind === "text" ? { type: "text", text: "" } : { type: "thinking", thinking: "", signature: "" };
    return out + frame("content_block_start", { index, content_block: block });
  }

  private openTool(call: ToolCall): string {
    const index = this.nextIndex++;
    call.block = index;
    this.open = { kind: "tool", index, call };
    const deltas = call.pending.map((delta) => this.jsonDelta(index, delta)).join("");
    call.pending = [];
    return frame("content_block_start", { index, content_block: { type: "tool_use", id: call.id, name: call.name, input: {} } }) + deltas;
  }

  /** Opens queued tool calls in order, closing each one that already ended; leaves the first still running open. */
  private drainEnded(): string {
    let out = "";
    while (!this.open && this.queued.length > 0) {
      const call = this.queued.shift()!;
      out += this.openTool(call);
      if (call.ended) out += this.close();
    }
    return out;
  }

  /** Closes the open block and writes every queued tool call out whole. */
  private flushAll(): string {
    let out = this.close();
    while (this.queued.length > 0) out += this.openTool(this.queued.shift()!) + this.close();
    return out;
  }

  private jsonDelta(index: number, partial: string): string {
    return frame("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: partial } });
  }

  private close(): string {
    if (!this.open) return "";
    const index = this.open.index;
    this.open = undefined;
    return frame("content_block_stop", { index });
  }
}
