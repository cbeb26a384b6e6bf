import type { StreamPart, Usage } from "../../core/types.js";
import { toOpenaiFinishReason, toOpenaiUsage } from "./finish-reason.js";

/**
 * Canonical stream parts -> OpenAI `chat.completion.chunk` SSE payloads. Stateful per response:
 * sends the role on the first chunk, numbers tool calls 0..n, and puts usage on a final chunk.
 */
export class OpenaiChunkEncoder {
  private readonly prefix: string;
  private readonly toolIndexes = new Map<number, number>();
  private usage: Usage | undefined;
  private started = false;

  constructor(
    meta: { id: string; model: string; created: number },
    private readonly includeUsage: boolean,
  ) {
    this.prefix = `{"id":${JSON.stringify(meta.id)},"object":"chat.completion.chunk","created":${meta.created},"model":${JSON.stringify(meta.model)},"system_fingerprint":null,"choices":`;
  }

  /** The payloads (without `data: `) this part produces; usually one, sometimes none. */
  encode(part: StreamPart): string[] {
    const out: string[] = [];
    if (!this.started) {
      this.started = true;
      out.push(this.choice('{"role":"assistant","content":"","refusal":null}', "null"));
    }
    switch (part.type) {
      case "text-delta":
        if (part.text) out.push(this.choice(`{"content":${JSON.stringify(part.text)}}`, "null"));
        break;
      case "reasoning-delta":
        if (part.text) out.push(this.choice(`{"reasoning_content":${JSON.stringify(part.text)}}`, "null"));
        break;
      case "tool-call-start": {
        const index = this.toolIndexes.size;
        this.toolIndexes.set(part.index, index);
        const call = { index, id: part.id, type: "function", function: { name: part.name, arguments: "" } };
        out.push(this.choice(`{"tool_calls":[${JSON.stringify(call)}]}`, "null"));
        break;
      }
      case "tool-call-delta": {
        const index = this.toolIndexes.get(part.index) ?? 0;
        out.push(this.choice(`{"tool_calls":[{"index":${index},"function":{"arguments":${JSON.stringify(part.argumentsDelta)}}}]}`, "null"));
        break;
      }
      case "usage":
        this.usage = part.usage;
        break;
      case "finish":
        out.push(this.choice("{}", JSON.stringify(toOpenaiFinishReason(part.reason))));
        break;
      case "tool-call-end":
      case "response-metadata":
      case "warning":
        // OpenAI chunks have no field for these: a tool call ends when the next begins or the choice finishes.
        break;
      case "error":
        // The writer ends the stream with an error payload before a part of this type reaches here.
        break;
    }
    return out;
  }

  /** Payloads after the last part: the usage chunk when asked for. */
  finish(): string[] {
    if (!this.includeUsage || !this.usage) return [];
    return [`${this.prefix}[],"usage":${JSON.stringify(toOpenaiUsage(this.usage))}}`];
  }

  private choice(delta: string, finishReason: string): string {
    return `${this.prefix}[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finishReason}}]}`;
  }
}
