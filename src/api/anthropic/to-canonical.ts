import type {
  AssistantContentPart,
  ChatRequest,
  ImagePart,
  Message,
  TextPart,
  ToolChoice,
  ToolResultPart,
  UserContentPart,
} from "../../core/types.js";
import type { ContentBlockParam, MessageParam, MessagesRequest } from "./schema.js";

/** Anthropic Messages request -> canonical request. */
export function messagesToCanonical(body: MessagesRequest): ChatRequest {
  const messages: Message[] = [];
  const system = systemParts(body.system);
  if (system.length > 0) messages.push({ role: "system", content: system });
  for (const message of body.messages) messages.push(...toCanonicalMessages(message));
  const request: ChatRequest = { model: body.model, messages, maxOutputTokens: body.max_tokens };
  if (body.tools?.length) {
    request.tools = body.tools.map((tool) => ({
      name: tool.name,
      ...(tool.description !== undefined && { description: tool.description }),
      parameters: tool.input_schema,
    }));
  }
  if (body.tool_choice) {
    request.toolChoice = toToolChoice(body.tool_choice);
    if ("disable_parallel_tool_use" in body.tool_choice && body.tool_choice.disable_parallel_tool_use) {
      request.parallelToolCalls = false;
    }
  }
  if (body.output_format) request.responseFormat = { type: "json", schema: body.output_format.schema };
  if (body.temperature !== undefined) request.temperature = body.temperature;
  if (body.top_p !== undefined) request.topP = body.top_p;
  if (body.top_k !== undefined) request.topK = body.top_k;
  if (body.stop_sequences?.length) request.stopSequences = body.stop_sequences;
  if (body.metadata?.user_id) request.user = body.metadata.user_id;
  // Extended thinking only means something to Anthropic upstreams; others ignore it.
  if (body.thinking) request.providerOptions = { anthropic: { thinking: body.thinking } };
  return request;
}

export function systemParts(system: MessagesRequest["system"]): TextPart[] {
  if (system === undefined) return [];
  if (typeof system === "string") return system.length > 0 ? [{ type: "text", text: system }] : [];
  return system.map((block) => ({ type: "text", text: block.text }));
}

/**
 * One Anthropic turn -> canonical messages. A user turn that carries tool_result blocks becomes
 * a tool message (the results) plus a user message (the rest), in the order they appear.
 */
function toCanonicalMessages(message: MessageParam): Message[] {
  const blocks: ContentBlockParam[] = typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content;
  if (message.role === "assistant") {
    const content: AssistantContentPart[] = [];
    for (const block of blocks) {
      if (block.type === "text") content.push({ type: "text", text: block.text });
      else if (block.type === "tool_use") content.push({ type: "tool-call", id: block.id, name: block.name, arguments: JSON.stringify(block.input) });
      else if (block.type === "thinking") content.push({ type: "reasoning", text: block.thinking, signature: block.signature });
    }
    return [{ role: "assistant", content }];
  }
  const out: Message[] = [];
  for (const block of blocks) {
    const last = out[out.length - 1];
    if (block.type === "tool_result") {
      const part: ToolResultPart = {
        type: "tool-result",
        toolCallId: block.tool_use_id,
        content: toolResultContent(block.content),
        ...(block.is_error && { isError: true }),
      };
      if (last?.role === "tool") last.content.push(part);
      else out.push({ role: "tool", content: [part] });
      continue;
    }
    const part: UserContentPart | undefined =
      block.type === "text" ? { type: "text", text: block.text } : block.type === "image" ? toImagePart(block.source) : undefined;
    if (!part) continue;
    if (last?.role === "user") last.content.push(part);
    else out.push({ role: "user", content: [part] });
  }
  return out;
}

function toolResultContent(content: Extract<ContentBlockParam, { type: "tool_result" }>["content"]): Array<TextPart | ImagePart> {
  if (content === undefined) return [];
  if (typeof content === "string") return [{ type: "text", text: content }];
  return content.map((block) => (block.type === "text" ? { type: "text", text: block.text } : toImagePart(block.source)));
}

function toImagePart(source: Extract<ContentBlockParam, { type: "image" }>["source"]): ImagePart {
  return source.type === "url"
    ? { type: "image", source: { kind: "url", url: source.url } }
    : { type: "image", source: { kind: "base64", mediaType: source.media_type, data: source.data } };
}

function toToolChoice(choice: NonNullable<MessagesRequest["tool_choice"]>): ToolChoice {
  switch (choice.type) {
    case "auto":
      return { type: "auto" };
    case "any":
      return { type: "required" };
    case "none":
      return { type: "none" };
    case "tool":
      return { type: "tool", name: choice.name };
  }
}
