import { toImagePart } from "../api/openai/to-canonical.js";
import { SwitchyardError } from "../core/errors.js";
import { createId } from "../core/ids.js";
import type { AssistantMessage, ImagePart, Message, TextPart } from "../core/types.js";
import { parseItem, type ContentPart, type InputItem } from "./schema.js";

/** An input item as stored and listed by `GET /v1/responses/{id}/input_items`: always with an id and a content array. */
export type StoredInputItem = Record<string, unknown> & { id: string; type: string };

export interface TranslatedInput {
  /** This turn's input as canonical messages (instructions not included). */
  messages: Message[];
  items: StoredInputItem[];
}

/** The `input` of a create request -> canonical messages plus the normalized items that are stored. */
export function translateInput(input: string | Array<Record<string, unknown>> | undefined): TranslatedInput {
  if (input === undefined) return { messages: [], items: [] };
  if (typeof input === "string") {
    return {
      messages: [{ role: "user", content: [{ type: "text", text: input }] }],
      items: [{ id: createId("msg_"), type: "message", role: "user", status: "completed", content: [{ type: "input_text", text: input }] }],
    };
  }
  const messages: Message[] = [];
  const items: StoredInputItem[] = [];
  input.forEach((raw, index) => {
    const item = parseItem(raw, index);
    addItem(messages, item, index);
    items.push(normalizeItem(item));
  });
  return { messages, items };
}

function addItem(messages: Message[], item: InputItem, index: number): void {
  const param = `input[${index}]`;
  switch (item.type) {
    case "message": {
      const parts = typeof item.content === "string" ? [{ type: "input_text" as const, text: item.content }] : item.content;
      if (item.role === "assistant") {
        for (const [partIndex, part] of parts.entries()) assistantOf(messages).content.push({ type: "text", text: textOf(part, `${param}.content[${partIndex}]`) });
        return;
      }
      if (item.role === "system" || item.role === "developer") {
        messages.push({ role: "system", content: parts.map((part, partIndex) => ({ type: "text", text: textOf(part, `${param}.content[${partIndex}]`) })) });
        return;
      }
      messages.push({ role: "user", content: parts.map((part, partIndex) => userPart(part, `${param}.content[${partIndex}]`)) });
      return;
    }
    case "function_call":
      assistantOf(messages).content.push({ type: "tool-call", id: item.call_id, name: item.name, arguments: item.arguments });
      return;
    case "reasoning": {
      const text = [...item.summary.map((part) => part.text), ...(item.content ?? []).map((part) => part.text)].join("\n\n");
      assistantOf(messages).content.push({ type: "reasoning", text, ...(item.encrypted_content && { signature: item.encrypted_content }) });
      return;
    }
    case "function_call_output": {
      const content = typeof item.output === "string" ? [{ type: "text" as const, text: item.output }] : item.output.map((part, partIndex) => userPart(part, `${param}.output[${partIndex}]`));
      const result = { type: "tool-result" as const, toolCallId: item.call_id, content };
      const last = messages.at(-1);
      // Parallel calls answer in consecutive items; providers want them as one turn.
      if (last?.role === "tool") last.content.push(result);
      else messages.push({ role: "tool", content: [result] });
      return;
    }
  }
}

/** The assistant turn an assistant-side item belongs to: reasoning, text and calls of one turn share a message. */
function assistantOf(messages: Message[]): AssistantMessage {
  const last = messages.at(-1);
  if (last?.role === "assistant") return last;
  const message: AssistantMessage = { role: "assistant", content: [] };
  messages.push(message);
  return message;
}

function textOf(part: ContentPart, param: string): string {
  switch (part.type) {
    case "input_text":
    case "output_text":
      return part.text;
    case "refusal":
      return part.refusal;
    case "input_image":
    case "input_file":
    case "input_audio":
      throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `Content of type '${part.type}' is only accepted in user messages and function call outputs.`, { param: `${param}.type` });
  }
}

function userPart(part: ContentPart, param: string): TextPart | ImagePart {
  switch (part.type) {
    case "input_text":
    case "output_text":
      return { type: "text", text: part.text };
    case "refusal":
      return { type: "text", text: part.refusal };
    case "input_image":
      if (!part.image_url) {
        throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "input_image needs an image_url (an http(s) or base64 data URL); file_id references are not supported by this gateway.", {
          param: `${param}.image_url`,
        });
      }
      return toImagePart(part.image_url, part.detail ?? undefined, `${param}.image_url`);
    case "input_file":
    case "input_audio":
      throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `Content of type '${part.type}' is not supported by this gateway; send text or input_image.`, { param: `${param}.type` });
  }
}

function normalizeItem(item: InputItem): StoredInputItem {
  switch (item.type) {
    case "message": {
      const content =
        typeof item.content === "string"
          ? [item.role === "assistant" ? { type: "output_text", text: item.content, annotations: [] } : { type: "input_text", text: item.content }]
          : item.content;
      return { id: item.id ?? createId("msg_"), type: "message", role: item.role, status: item.status ?? "completed", content };
    }
    case "function_call":
      return { id: item.id ?? createId("fc_"), type: "function_call", call_id: item.call_id, name: item.name, arguments: item.arguments, status: item.status ?? "completed" };
    case "function_call_output":
      return { id: item.id ?? createId("fco_"), type: "function_call_output", call_id: item.call_id, output: item.output, status: item.status ?? "completed" };
    case "reasoning":
      return {
        id: item.id ?? createId("rs_"),
        type: "reasoning",
        summary: item.summary,
        ...(item.content && { content: item.content }),
        ...(item.encrypted_content && { encrypted_content: item.encrypted_content }),
      };
  }
}
