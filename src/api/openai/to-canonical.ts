import { SwitchyardError } from "../../core/errors.js";
import type { ChatRequest, ImagePart, Message, ResponseFormat, ToolChoice } from "../../core/types.js";
import { OPENAI_PASSTHROUGH_KEYS, type ChatCompletionRequest } from "./schema.js";

type WireMessage = ChatCompletionRequest["messages"][number];

/** OpenAI chat-completions request -> canonical request. */
export function chatCompletionToCanonical(body: ChatCompletionRequest, raw: Record<string, unknown>): ChatRequest {
  const request: ChatRequest = {
    model: body.model,
    messages: body.messages.map((message, index) => toCanonicalMessage(message, index)),
  };
  if (body.tools?.length) {
    request.tools = body.tools.map((tool) => ({
      name: tool.function.name,
      description: tool.function.description,
      parameters: tool.function.parameters ?? { type: "object", properties: {} },
      ...(tool.function.strict != null && { strict: tool.function.strict }),
    }));
  }
  if (body.tool_choice !== undefined) request.toolChoice = toToolChoice(body.tool_choice);
  if (body.parallel_tool_calls !== undefined) request.parallelToolCalls = body.parallel_tool_calls;
  if (body.response_format) request.responseFormat = toResponseFormat(body.response_format);
  if (body.temperature != null) request.temperature = body.temperature;
  if (body.top_p != null) request.topP = body.top_p;
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxTokens != null) request.maxOutputTokens = maxTokens;
  if (body.stop != null) request.stopSequences = typeof body.stop === "string" ? [body.stop] : body.stop;
  if (body.seed != null) request.seed = body.seed;
  if (body.presence_penalty != null) request.presencePenalty = body.presence_penalty;
  if (body.frequency_penalty != null) request.frequencyPenalty = body.frequency_penalty;
  if (body.user !== undefined) request.user = body.user;
  const passthrough: Record<string, unknown> = {};
  for (const key of OPENAI_PASSTHROUGH_KEYS) if (raw[key] !== undefined) passthrough[key] = raw[key];
  if (Object.keys(passthrough).length > 0) {
    request.providerOptions = { openai: passthrough, "azure-openai": passthrough };
  }
  return request;
}

function toCanonicalMessage(message: WireMessage, index: number): Message {
  switch (message.role) {
    case "system":
    case "developer":
      return {
        role: "system",
        content: typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content,
      };
    case "user":
      return {
        role: "user",
        content:
          typeof message.content === "string"
            ? [{ type: "text", text: message.content }]
            : message.content.map((part, partIndex) =>
                part.type === "text"
                  ? part
                  : toImagePart(part.image_url.url, part.image_url.detail, `messages[${index}].content[${partIndex}].image_url.url`),
              ),
        ...(message.name !== undefined && { name: message.name }),
      };
    case "assistant": {
      const content: Extract<Message, { role: "assistant" }>["content"] = [];
      if (typeof message.content === "string") {
        if (message.content) content.push({ type: "text", text: message.content });
      } else if (message.content) {
        for (const part of message.content) content.push({ type: "text", text: part.type === "text" ? part.text : part.refusal });
      }
      for (const call of message.tool_calls ?? []) {
        content.push({ type: "tool-call", id: call.id, name: call.function.name, arguments: call.function.arguments });
      }
      return { role: "assistant", content };
    }
    case "tool":
      return {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: message.tool_call_id,
            content: typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content,
          },
        ],
      };
  }
}

const DATA_URL = /^data:([\w/+.-]+);base64,(.*)$/s;

export function toImagePart(url: string, detail: ImagePart["detail"], param: string): ImagePart {
  if (url.startsWith("data:")) {
    const match = DATA_URL.exec(url);
    if (!match) {
      throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "Image data URLs must look like data:<media type>;base64,<data>.", { param });
    }
    return { type: "image", source: { kind: "base64", mediaType: match[1]!, data: match[2]! }, ...(detail && { detail }) };
  }
  if (!/^https?:\/\//.test(url)) {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "Image URLs must be http(s) or base64 data URLs.", { param });
  }
  return { type: "image", source: { kind: "url", url }, ...(detail && { detail }) };
}

function toToolChoice(choice: NonNullable<ChatCompletionRequest["tool_choice"]>): ToolChoice {
  if (typeof choice === "string") return { type: choice };
  return { type: "tool", name: choice.function.name };
}

function toResponseFormat(format: NonNullable<ChatCompletionRequest["response_format"]>): ResponseFormat {
  if (format.type === "text") return { type: "text" };
  if (format.type === "json_object") return { type: "json" };
  return {
    type: "json",
    name: format.json_schema.name,
    description: format.json_schema.description,
    schema: format.json_schema.schema,
    ...(format.json_schema.strict != null && { strict: format.json_schema.strict }),
  };
}
