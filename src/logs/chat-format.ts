import type { ChatRequest, Message } from "../core/types.js";

/** A message as the log stores it: OpenAI's chat shape, the format datasets and the playground take. */
export interface LoggedMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string;
  tool_calls?: Array<{ id: string; type: "function"; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
  /** True when the message held images, which the log does not keep. */
  images_omitted?: true;
}

export interface LoggedRequest {
  model: string;
  messages: LoggedMessage[];
  tools?: Array<{ type: "function"; function: { name: string; description?: string; parameters: Record<string, unknown> } }>;
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  stop?: string[];
}

export interface LoggedResponse {
  text: string;
  tool_calls?: Array<{ id: string; name: string; arguments: string }>;
  finish_reason?: string;
  error?: string;
}

/** Texts joined the way a reader (and the search index) sees them. */
export function messageText(message: Message): { text: string; images: boolean } {
  const texts: string[] = [];
  let images = false;
  for (const part of message.content) {
    if (part.type === "text") texts.push(part.text);
    else if (part.type === "image") images = true;
    else if (part.type === "tool-result") {
      for (const inner of part.content) {
        if (inner.type === "text") texts.push(inner.text);
        else images = true;
      }
    }
  }
  return { text: texts.join("\n"), images };
}

/** The canonical request in chat format; images are not kept (only marked), reasoning is left out. */
export function toLoggedRequest(request: ChatRequest): LoggedRequest {
  const messages = request.messages.flatMap((message): LoggedMessage[] => {
    const { text, images } = messageText(message);
    const out: LoggedMessage = { role: message.role, content: text };
    if (images) out.images_omitted = true;
    if (message.role === "assistant") {
      const calls = message.content.flatMap((part) => (part.type === "tool-call" ? [{ id: part.id, type: "function" as const, function: { name: part.name, arguments: part.arguments } }] : []));
      if (calls.length > 0) out.tool_calls = calls;
    }
    if (message.role === "tool") {
      // One canonical tool message may carry several results; chat format has one per message.
      return message.content.map((result) => ({ role: "tool", tool_call_id: result.toolCallId, content: result.content.flatMap((part) => (part.type === "text" ? [part.text] : [])).join("\n") }));
    }
    return [out];
  });
  const logged: LoggedRequest = { model: request.model, messages };
  if (request.tools && request.tools.length > 0) {
    logged.tools = request.tools.map((tool) => ({ type: "function", function: { name: tool.name, description: tool.description, parameters: tool.parameters } }));
  }
  if (request.temperature !== undefined) logged.temperature = request.temperature;
  if (request.topP !== undefined) logged.top_p = request.topP;
  if (request.maxOutputTokens !== undefined) logged.max_tokens = request.maxOutputTokens;
  if (request.stopSequences !== undefined) logged.stop = request.stopSequences;
  return logged;
}

/** Cuts a text over the limit, saying so, so one huge prompt cannot swell the log. */
export function clip(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}\n[... ${text.length - limit} more characters not stored]`;
}
