import { toSwitchyardError } from "../core/errors.js";
import type { ChatRequest, StreamPart } from "../core/types.js";
import type { MaskVault } from "../guardrails/vault.js";
import type { LoggedResponse } from "./chat-format.js";

/**
 * What the wire-side log middleware saw of one request: the request as it left (after masking),
 * the answer as it came back (collected part by part as it streams through, never buffered ahead
 * of the client), and the guardrails' vault, which restores the unmasked view where that is allowed.
 */
export class StreamCapture {
  request?: ChatRequest;
  vault?: MaskVault;
  private readonly text: string[] = [];
  private readonly calls = new Map<number, { id: string; name: string; arguments: string[] }>();
  private finishReason?: string;
  private error?: string;

  async *watch(stream: AsyncIterable<StreamPart>): AsyncGenerator<StreamPart> {
    for await (const part of stream) {
      this.see(part);
      yield part;
    }
  }

  private see(part: StreamPart): void {
    switch (part.type) {
      case "text-delta":
        this.text.push(part.text);
        break;
      case "tool-call-start":
        this.calls.set(part.index, { id: part.id, name: part.name, arguments: [] });
        break;
      case "tool-call-delta":
        this.calls.get(part.index)?.arguments.push(part.argumentsDelta);
        break;
      case "finish":
        this.finishReason = part.reason.unified;
        break;
      case "error":
        this.error = toSwitchyardError(part.error).code;
        break;
      case "response-metadata":
      case "reasoning-delta":
      case "tool-call-end":
      case "usage":
      case "warning":
        // Not part of the stored answer.
        break;
    }
  }

  get sawAnswer(): boolean {
    return this.text.length > 0 || this.calls.size > 0 || this.finishReason !== undefined || this.error !== undefined;
  }

  response(): LoggedResponse {
    const response: LoggedResponse = { text: this.text.join("") };
    if (this.calls.size > 0) {
      response.tool_calls = [...this.calls.values()].map((call) => ({ id: call.id, name: call.name, arguments: call.arguments.join("") }));
    }
    if (this.finishReason !== undefined) response.finish_reason = this.finishReason;
    if (this.error !== undefined) response.error = this.error;
    return response;
  }
}
