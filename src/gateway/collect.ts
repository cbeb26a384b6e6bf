import { toSwitchyardError } from "../core/errors.js";
import type { AssistantContentPart, ChatResponse, StreamPart, ToolCallPart } from "../core/types.js";

/** Collects a canonical stream into a whole response. An `error` part is thrown. */
export async function collectStream(stream: AsyncIterable<StreamPart>): Promise<ChatResponse> {
  const collector = new PartCollector();
  for await (const part of stream) collector.add(part);
  return collector.response();
}

/** The same, a part at a time (the OpenAI edge's fast path has its parts in hand). */
export class PartCollector {
  private readonly partial: ChatResponse = { content: [], finishReason: { unified: "other" }, warnings: [] };
  private text = "";
  private reasoning = "";
  private reasoningSignature: string | undefined;
  private readonly toolCalls = new Map<number, ToolCallPart>();

  /** Takes one part in; an `error` part is thrown. */
  add(part: StreamPart): void {
    const response = this.partial;
    switch (part.type) {
      case "response-metadata":
        response.id ??= part.id;
        response.model ??= part.model;
        response.created ??= part.created;
        break;
      case "text-delta":
        this.text += part.text;
        break;
      case "reasoning-delta":
        this.reasoning += part.text;
        if (part.signature) this.reasoningSignature = part.signature;
        break;
      case "tool-call-start":
        this.toolCalls.set(part.index, { type: "tool-call", id: part.id, name: part.name, arguments: "" });
        break;
      case "tool-call-delta": {
        const call = this.toolCalls.get(part.index);
        if (call) call.arguments += part.argumentsDelta;
        break;
      }
      case "tool-call-end":
        break;
      case "usage":
        response.usage = part.usage;
        break;
      case "finish":
        response.finishReason = part.reason;
        break;
      case "warning":
        response.warnings.push(part.warning);
        break;
      case "error":
        throw toSwitchyardError(part.error);
    }
  }

  response(): ChatResponse {
    const content: AssistantContentPart[] = [];
    if (this.reasoning) content.push({ type: "reasoning", text: this.reasoning, signature: this.reasoningSignature });
    if (this.text) content.push({ type: "text", text: this.text });
    if (this.toolCalls.size > 0) content.push(...[...this.toolCalls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call));
    return { ...this.partial, content };
  }
}
