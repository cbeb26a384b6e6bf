import { toSwitchyardError } from "../../core/errors.js";
import type { FinishReason, StreamPart, Usage } from "../../core/types.js";
import { errorBody } from "../errors.js";
import type { SseEncoder } from "../sse.js";
import { toAnthropicStopReason, toAnthropicUsage } from "./stop-reason.js";

type OpenBlock = { kind: "text" | "thinking"; index: number } | { kind: "tool"; index: number; toolIndex: number };

const frame = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

/**
 * Canonical stream parts -> Anthropic's exact event sequence: message_start, ping, then for each
 * content block content_block_start / content_block_delta... / content_block_stop (blocks numbered
 * 0..n in order, one open at a time), then message_delta with stop_reason and usage, message_stop.
 */
export class AnthropicEventEncoder implements SseEncoder {
  private started = false;
  private open: OpenBlock | undefined;
  private nextIndex = 0;
  /** Canonical tool-call index -> block index, so late deltas still land on their own block. */
  private readonly toolBlocks = new Map<number, number>();
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
        out += this.close();
        const index = this.nextIndex++;
        this.open = { kind: "tool", index, toolIndex: part.index };
        this.toolBlocks.set(part.index, index);
        out += frame("content_block_start", { index, content_block: { type: "tool_use", id: part.id, name: part.name, input: {} } });
        break;
      }
      case "tool-call-delta": {
        const index = this.toolBlocks.get(part.index);
        if (index === undefined || !part.argumentsDelta) break;
        out += frame("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: part.argumentsDelta } });
        break;
      }
      case "tool-call-end":
        if (this.open?.kind === "tool" && this.open.toolIndex === part.index) out += this.close();
        break;
      case "usage":
        this.usage = part.usage;
        break;
      case "finish":
        this.finish = part.reason;
        break;
      default:
        break;
    }
    return out;
  }

  end(): string {
    return (
      this.start() +
      this.close() +
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
    const out = this.close();
    const index = this.nextIndex++;
    this.open = { kind, index };
    const block = kind === "text" ? { type: "text", text: "" } : { type: "thinking", thinking: "", signature: "" };
    return out + frame("content_block_start", { index, content_block: block });
  }

  private close(): string {
    if (!this.open) return "";
    const index = this.open.index;
    this.open = undefined;
    return frame("content_block_stop", { index });
  }
}
