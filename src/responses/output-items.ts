import { createId } from "../core/ids.js";
import type { AssistantContentPart, AssistantMessage, FinishReason, StreamPart, Usage, Warning } from "../core/types.js";

/** One streamed event before it gets its `sequence_number`. */
export type ResponseEvent = { type: string } & Record<string, unknown>;

export interface OutputTextPart {
  type: "output_text";
  text: string;
  annotations: unknown[];
  logprobs: unknown[];
}

export interface MessageOutput {
  id: string;
  type: "message";
  status: "in_progress" | "completed" | "incomplete";
  role: "assistant";
  content: OutputTextPart[];
}

export interface ReasoningOutput {
  id: string;
  type: "reasoning";
  summary: Array<{ type: "summary_text"; text: string }>;
  encrypted_content?: string;
  status?: "in_progress" | "completed" | "incomplete";
}

export interface FunctionCallOutput {
  id: string;
  type: "function_call";
  status: "in_progress" | "completed" | "incomplete";
  call_id: string;
  name: string;
  arguments: string;
}

export type OutputItem = MessageOutput | ReasoningOutput | FunctionCallOutput;

interface OpenText {
  kind: "message" | "reasoning";
  index: number;
  text: string;
}

/**
 * Canonical stream parts -> Responses output items, and the typed events that build them. Text,
 * reasoning and each tool call become their own item in the order they start; an item is closed
 * (its `.done` events sent) when another kind starts or the stream ends. Used for JSON responses
 * too (the events are dropped), so both answer the same items.
 */
export class OutputAssembler {
  readonly output: OutputItem[] = [];
  readonly warnings: Warning[] = [];
  usage?: Usage;
  finish?: FinishReason;
  private open?: OpenText;
  /** Tool calls by their canonical index -> output index, while their arguments stream. */
  private readonly calls = new Map<number, number>();
  private readonly signatures = new Map<number, string>();

  constructor(private readonly options: { includeSignatures: boolean }) {}

  accept(part: StreamPart): ResponseEvent[] {
    switch (part.type) {
      case "text-delta":
        return part.text ? this.appendText("message", part.text) : [];
      case "reasoning-delta": {
        const events = part.text ? this.appendText("reasoning", part.text) : [];
        if (part.signature) this.sign(part.signature);
        return events;
      }
      case "tool-call-start": {
        const events = this.closeText();
        const item: FunctionCallOutput = { id: createId("fc_"), type: "function_call", status: "in_progress", call_id: part.id, name: part.name, arguments: "" };
        this.calls.set(part.index, this.output.length);
        this.output.push(item);
        events.push({ type: "response.output_item.added", output_index: this.output.length - 1, item: { ...item } });
        return events;
      }
      case "tool-call-delta": {
        const outputIndex = this.calls.get(part.index);
        if (outputIndex === undefined || !part.argumentsDelta) return [];
        const item = this.output[outputIndex] as FunctionCallOutput;
        item.arguments += part.argumentsDelta;
        return [{ type: "response.function_call_arguments.delta", item_id: item.id, output_index: outputIndex, delta: part.argumentsDelta }];
      }
      case "tool-call-end":
        return this.closeCall(part.index);
      case "usage":
        this.usage = part.usage;
        return [];
      case "finish":
        this.finish = part.reason;
        return [];
      case "warning":
        this.warnings.push(part.warning);
        return [];
      case "response-metadata":
      case "error":
        return [];
    }
  }

  /** Closes every open item: the stream ended. */
  close(): ResponseEvent[] {
    const events = this.closeText();
    for (const index of [...this.calls.keys()]) events.push(...this.closeCall(index));
    return events;
  }

  /** The turn as a canonical assistant message, reasoning signatures included, for the stored conversation. */
  assistantMessage(): AssistantMessage {
    const content: AssistantContentPart[] = this.output.map((item, index): AssistantContentPart => {
      switch (item.type) {
        case "reasoning": {
          const signature = this.signatures.get(index);
          return { type: "reasoning", text: item.summary.map((part) => part.text).join(""), ...(signature && { signature }) };
        }
        case "message":
          return { type: "text", text: item.content.map((part) => part.text).join("") };
        case "function_call":
          return { type: "tool-call", id: item.call_id, name: item.name, arguments: item.arguments };
      }
    });
    return { role: "assistant", content };
  }

  private appendText(kind: OpenText["kind"], text: string): ResponseEvent[] {
    const events: ResponseEvent[] = [];
    if (this.open?.kind !== kind) {
      events.push(...this.closeText(), ...this.openText(kind));
    }
    const open = this.open!;
    open.text += text;
    const item = this.output[open.index]!;
    if (kind === "message") {
      return [...events, { type: "response.output_text.delta", item_id: item.id, output_index: open.index, content_index: 0, delta: text, logprobs: [] }];
    }
    return [...events, { type: "response.reasoning_summary_text.delta", item_id: item.id, output_index: open.index, summary_index: 0, delta: text }];
  }

  private openText(kind: OpenText["kind"]): ResponseEvent[] {
    const index = this.output.length;
    this.open = { kind, index, text: "" };
    if (kind === "message") {
      const item: MessageOutput = { id: createId("msg_"), type: "message", status: "in_progress", role: "assistant", content: [] };
      this.output.push(item);
      return [
        { type: "response.output_item.added", output_index: index, item: { ...item, content: [] } },
        { type: "response.content_part.added", item_id: item.id, output_index: index, content_index: 0, part: textPart("") },
      ];
    }
    const item: ReasoningOutput = { id: createId("rs_"), type: "reasoning", summary: [] };
    this.output.push(item);
    return [
      { type: "response.output_item.added", output_index: index, item: { ...item, summary: [] } },
      { type: "response.reasoning_summary_part.added", item_id: item.id, output_index: index, summary_index: 0, part: { type: "summary_text", text: "" } },
    ];
  }

  private closeText(): ResponseEvent[] {
    const open = this.open;
    if (!open) return [];
    this.open = undefined;
    const item = this.output[open.index]!;
    const base = { item_id: item.id, output_index: open.index };
    if (item.type === "message") {
      item.content = [textPart(open.text)];
      item.status = "completed";
      return [
        { type: "response.output_text.done", ...base, content_index: 0, text: open.text, logprobs: [] },
        { type: "response.content_part.done", ...base, content_index: 0, part: textPart(open.text) },
        { type: "response.output_item.done", output_index: open.index, item: structuredClone(item) },
      ];
    }
    if (item.type !== "reasoning") return [];
    item.summary = [{ type: "summary_text", text: open.text }];
    return [
      { type: "response.reasoning_summary_text.done", ...base, summary_index: 0, text: open.text },
      { type: "response.reasoning_summary_part.done", ...base, summary_index: 0, part: { type: "summary_text", text: open.text } },
      { type: "response.output_item.done", output_index: open.index, item: structuredClone(item) },
    ];
  }

  private closeCall(index: number): ResponseEvent[] {
    const outputIndex = this.calls.get(index);
    if (outputIndex === undefined) return [];
    this.calls.delete(index);
    const item = this.output[outputIndex] as FunctionCallOutput;
    item.status = "completed";
    return [
      { type: "response.function_call_arguments.done", item_id: item.id, output_index: outputIndex, name: item.name, arguments: item.arguments },
      { type: "response.output_item.done", output_index: outputIndex, item: { ...item } },
    ];
  }

  /** A signature arrives after its reasoning text (Anthropic's signature_delta): it belongs to the latest reasoning item. */
  private sign(signature: string): void {
    for (let index = this.output.length - 1; index >= 0; index--) {
      const item = this.output[index]!;
      if (item.type !== "reasoning") continue;
      this.signatures.set(index, signature);
      if (this.options.includeSignatures) item.encrypted_content = signature;
      return;
    }
  }
}

function textPart(text: string): OutputTextPart {
  return { type: "output_text", text, annotations: [], logprobs: [] };
}
