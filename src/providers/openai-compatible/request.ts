import type {
  ChatRequest,
  Message,
  ResponseFormat,
  ToolChoice,
  UserContentPart,
  ImagePart,
  Warning,
} from "../../core/types.js";

export interface OpenaiRequestSettings {
  maxTokensField: "max_tokens" | "max_completion_tokens";
  /** Provider-type key for `providerOptions` passthrough. */
  optionsKey: string;
}

type WireContentPart =
  | { type: "text"; text: string }
  | { type: "image_url"; image_url: { url: string; detail?: string } };

type WireMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: string | WireContentPart[]; name?: string }
  | {
      role: "assistant";
      content: string | null;
      tool_calls?: Array<{ id: string; type: "function"; function: { name: string; arguments: string } }>;
    }
  | { role: "tool"; tool_call_id: string; content: string };

/** Canonical request -> OpenAI chat-completions body. */
export function toOpenaiRequest(
  request: ChatRequest,
  stream: boolean,
  settings: OpenaiRequestSettings,
): { body: Record<string, unknown>; warnings: Warning[] } {
  const warnings: Warning[] = [];
  const body: Record<string, unknown> = {
    model: request.model,
    messages: toWireMessages(request.messages),
  };
  if (request.tools?.length) {
    body.tools = request.tools.map((tool) => ({
      type: "function",
      function: {
        name: tool.name,
        ...(tool.description !== undefined && { description: tool.description }),
        parameters: tool.parameters,
        ...(tool.strict !== undefined && { strict: tool.strict }),
      },
    }));
  }
  if (request.toolChoice) body.tool_choice = toWireToolChoice(request.toolChoice);
  if (request.parallelToolCalls !== undefined && request.tools?.length) {
    body.parallel_tool_calls = request.parallelToolCalls;
  }
  if (request.responseFormat) body.response_format = toWireResponseFormat(request.responseFormat);
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.maxOutputTokens !== undefined) body[settings.maxTokensField] = request.maxOutputTokens;
  if (request.stopSequences?.length) body.stop = request.stopSequences;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.presencePenalty !== undefined) body.presence_penalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) body.frequency_penalty = request.frequencyPenalty;
  if (request.user !== undefined) body.user = request.user;
  if (request.topK !== undefined) {
    warnings.push({ type: "unsupported-setting", setting: "top_k", message: "top_k is not part of the OpenAI API" });
  }
  if (stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  Object.assign(body, request.providerOptions?.[settings.optionsKey]);
  return { body, warnings };
}

/** A loop instead of `flatMap` (which V8 runs as a generic builtin, a new array per message). */
function toWireMessages(messages: Message[]): WireMessage[] {
  const out: WireMessage[] = [];
  for (const message of messages) {
    switch (message.role) {
      case "system":
        out.push({ role: "system", content: message.content.length === 1 ? message.content[0]!.text : message.content.map((part) => part.text).join("\n") });
        break;
      case "user":
        out.push(
          message.name === undefined
            ? { role: "user", content: toWireUserContent(message.content) }
            : { role: "user", content: toWireUserContent(message.content), name: message.name },
        );
        break;
      case "assistant":
        out.push(toWireAssistant(message));
        break;
      case "tool":
        for (const part of message.content) {
          out.push({
            role: "tool",
            tool_call_id: part.toolCallId,
            content: part.content.map((inner) => (inner.type === "text" ? inner.text : "[image]")).join(""),
          });
        }
        break;
    }
  }
  return out;
}

function toWireAssistant(message: Extract<Message, { role: "assistant" }>): WireMessage {
  let text = "";
  const toolCalls = [];
  for (const part of message.content) {
    if (part.type === "text") text += part.text;
    else if (part.type === "tool-call") {
      toolCalls.push({
        id: part.id,
        type: "function" as const,
        function: { name: part.name, arguments: part.arguments },
      });
    }
  }
  if (toolCalls.length === 0) return { role: "assistant", content: text };
  return { role: "assistant", content: text.length > 0 ? text : null, tool_calls: toolCalls };
}

function toWireUserContent(content: UserContentPart[]): string | WireContentPart[] {
  if (content.length === 1 && content[0]!.type === "text") return content[0]!.text;
  return content.map((part) =>
    part.type === "text"
      ? { type: "text" as const, text: part.text }
      : {
          type: "image_url" as const,
          image_url: { url: imageUrl(part), ...(part.detail !== undefined && { detail: part.detail }) },
        },
  );
}

export function imageUrl(part: ImagePart): string {
  return part.source.kind === "url"
    ? part.source.url
    : `data:${part.source.mediaType};base64,${part.source.data}`;
}

function toWireToolChoice(choice: ToolChoice): unknown {
  if (choice.type === "tool") return { type: "function", function: { name: choice.name } };
  return choice.type;
}

function toWireResponseFormat(format: ResponseFormat): unknown {
  if (format.type === "text") return { type: "text" };
  if (format.schema === undefined) return { type: "json_object" };
  return {
    type: "json_schema",
    json_schema: {
      name: format.name ?? "response",
      ...(format.description !== undefined && { description: format.description }),
      schema: format.schema,
      ...(format.strict !== undefined && { strict: format.strict }),
    },
  };
}
