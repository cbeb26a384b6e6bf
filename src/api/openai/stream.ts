import type { StreamPart, Usage } from "../../core/types.js";
import { toOpenaiFinishReason, toOpenaiUsage } from "./finish-reason.js";

/** What follows a choice's delta in every chunk but the finishing one, and the end of its SSE frame. */
const OPEN_CHOICE_END = ',"logprobs":null,"finish_reason":null}]}\n\n';

/**
 * Canonical stream parts -> OpenAI `chat.completion.chunk` SSE frames (`data: {...}\n\n`). Stateful
 * per response: sends the role on the first chunk, numbers tool calls 0..n, and puts usage on a final
 * chunk. Each frame is the stream's own fixed text (id, model, created) around the part's delta:
 * built once per stream, so a text part costs one JSON.stringify of its text and one concatenation.
 */
export class OpenaiChunkEncoder {
  /** `data: {"id":…,"choices":[{"index":0,"delta":` */
  private readonly choiceHead: string;
  /** `data: {"id":…,"choices":[],"usage":` */
  private readonly usageHead: string;
  private readonly toolIndexes = new Map<number, number>();
  private usage: Usage | undefined;
  private started = false;

  constructor(
    meta: { id: string; model: string; created: number },
    private readonly includeUsage: boolean,
  ) {
    const prefix = `data: {"id":${JSON.stringify(meta.id)},"object":"chat.completion.chunk","created":${meta.created},"model":${JSON.stringify(meta.model)},"system_fingerprint":null,"choices":`;
    this.choiceHead = `${prefix}[{"index":0,"delta":`;
    this.usageHead = `${prefix}[],"usage":`;
  }

  /** The SSE frames this part produces: usually one, sometimes none (""), the first part's with the role's before it. */
  frames(part: StreamPart): string {
    let out = "";
    if (!this.started) {
      this.started = true;
      out = `${this.choiceHead}{"role":"assistant","content":"","refusal":null}${OPEN_CHOICE_END}`;
    }
    switch (part.type) {
      case "text-delta":
        if (part.text) out += `${this.choiceHead}{"content":${JSON.stringify(part.text)}}${OPEN_CHOICE_END}`;
        break;
      case "reasoning-delta":
        if (part.text) out += `${this.choiceHead}{"reasoning_content":${JSON.stringify(part.text)}}${OPEN_CHOICE_END}`;
        break;
      case "tool-call-start": {
        const index = this.toolIndexes.size;
        this.toolIndexes.set(part.index, index);
        const call = { index, id: part.id, type: "function", function: { name: part.name, arguments: "" } };
        out += `${this.choiceHead}{"tool_calls":[${JSON.stringify(call)}]}${OPEN_CHOICE_END}`;
        break;
      }
      case "tool-call-delta": {
        const index = this.toolIndexes.get(part.index) ?? 0;
        out += `${this.choiceHead}{"tool_calls":[{"index":${index},"function":{"arguments":${JSON.stringify(part.argumentsDelta)}}}]}${OPEN_CHOICE_END}`;
        break;
      }
      case "usage":
        this.usage = part.usage;
        break;
      case "finish":
        out += `${this.choiceHead}{},"logprobs":null,"finish_reason":${JSON.stringify(toOpenaiFinishReason(part.reason))}}]}\n\n`;
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

  /** The frames after the last part: the usage chunk when asked for, then `[DONE]`. */
  finish(): string {
    const usage = this.includeUsage && this.usage ? `${this.usageHead}${JSON.stringify(toOpenaiUsage(this.usage))}}\n\n` : "";
    return `${usage}data: [DONE]\n\n`;
  }
}
