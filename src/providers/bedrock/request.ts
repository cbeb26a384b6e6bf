import { SwitchyardError } from "../../core/errors.js";
import type { ChatRequest, ImagePart, Message, Warning } from "../../core/types.js";
import { toBedrockToolUseId } from "./tool-use-id.js";

type Block = Record<string, unknown>;
interface BedrockMessage {
  role: "user" | "assistant";
  content: Block[];
}

/** Name of the tool that carries JSON output: Converse has no response format, so a forced tool stands in. */
export const JSON_TOOL_NAME = "json_response";

export interface BedrockRequest {
  body: Record<string, unknown>;
  warnings: Warning[];
  /** Set when JSON output rides on the forced tool; its input is then the answer text. */
  jsonTool?: string;
  /** The forced tool's input is `{value: ...}` because the requested schema is not an object. */
  jsonWrapped?: boolean;
}

/** Canonical request -> Converse body (the model id goes in the URL). */
export function toBedrockRequest(request: ChatRequest): BedrockRequest {
  const warnings: Warning[] = [];
  const body: Record<string, unknown> = {};
  const system = request.messages.flatMap((message) =>
    message.role === "system" ? message.content.map((part) => ({ text: part.text })) : [],
  );
  if (system.length > 0) body.system = system;
  const messages = toMessages(request.messages);
  body.messages = messages;

  const inference: Record<string, unknown> = {};
  if (request.maxOutputTokens !== undefined) inference.maxTokens = request.maxOutputTokens;
  if (request.temperature !== undefined) inference.temperature = request.temperature;
  if (request.topP !== undefined) inference.topP = request.topP;
  if (request.stopSequences?.length) inference.stopSequences = request.stopSequences;
  if (Object.keys(inference).length > 0) body.inferenceConfig = inference;
  for (const [setting, value] of [
    ["seed", request.seed],
    ["presence_penalty", request.presencePenalty],
    ["frequency_penalty", request.frequencyPenalty],
    ["top_k", request.topK],
  ] as const) {
    if (value !== undefined) {
      warnings.push({
        type: "unsupported-setting",
        setting,
        message: `${setting} is not part of the Converse API; pass it per model in providerOptions.bedrock.additionalModelRequestFields`,
      });
    }
  }

  let jsonTool: string | undefined;
  let jsonWrapped = false;
  const tools = (request.tools ?? []).map((tool) => ({
    toolSpec: {
      name: tool.name,
      ...(tool.description !== undefined && { description: tool.description }),
      inputSchema: { json: tool.parameters },
    },
  }));
  let toolChoice: Block | undefined;
  switch (request.toolChoice?.type) {
    case "auto":
      toolChoice = { auto: {} };
      break;
    case "required":
      toolChoice = { any: {} };
      break;
    case "tool":
      toolChoice = { tool: { name: request.toolChoice.name } };
      break;
    case "none":
    case undefined:
      // Converse has no "none": handled below by leaving the tools out.
      break;
  }
  if (request.responseFormat?.type === "json") {
    if (tools.length > 0) {
      warnings.push({ type: "unsupported-setting", setting: "response_format", message: "Bedrock JSON output cannot be combined with tools; ignored" });
    } else {
      jsonTool = JSON_TOOL_NAME;
      const schema = request.responseFormat.schema ?? { type: "object" };
      // Tool inputs must be objects: any other schema travels wrapped as {value} and is unwrapped on return.
      jsonWrapped = schema.type !== "object";
      tools.push({
        toolSpec: {
          name: JSON_TOOL_NAME,
          description: request.responseFormat.description ?? "Respond with the answer as this JSON object.",
          inputSchema: { json: jsonWrapped ? { type: "object", properties: { value: schema }, required: ["value"] } : schema },
        },
      });
      toolChoice = { tool: { name: JSON_TOOL_NAME } };
    }
  }
  const historyHasTools = messages.some((message) => message.content.some((block) => "toolUse" in block || "toolResult" in block));
  // Converse has no "none": the tools are left out, unless the history needs them declared.
  if (tools.length > 0 && (request.toolChoice?.type !== "none" || historyHasTools)) {
    body.toolConfig = { tools, ...(toolChoice && request.toolChoice?.type !== "none" && { toolChoice }) };
  }
  if (request.parallelToolCalls === false) {
    warnings.push({ type: "unsupported-setting", setting: "parallel_tool_calls", message: "Bedrock cannot be told to call one tool at a time" });
  }
  Object.assign(body, request.providerOptions?.bedrock);
  return { body, warnings, jsonTool, jsonWrapped };
}

function toMessages(messages: Message[]): BedrockMessage[] {
  const out: BedrockMessage[] = [];
  // Converse wants strictly alternating roles: consecutive turns of one role are merged.
  const push = (role: BedrockMessage["role"], content: Block[]) => {
    if (content.length === 0) return;
    const last = out[out.length - 1];
    if (last?.role === role) last.content.push(...content);
    else out.push({ role, content });
  };
  messages.forEach((message, index) => {
    switch (message.role) {
      case "system":
        return;
      case "user":
        return push(
          "user",
          message.content.map((part) => (part.type === "text" ? { text: part.text } : imageBlock(part, `messages[${index}].content`))),
        );
      case "assistant":
        return push(
          "assistant",
          message.content.flatMap((part): Block[] => {
            if (part.type === "text") return part.text.length > 0 ? [{ text: part.text }] : [];
            if (part.type === "tool-call") {
              return [{ toolUse: { toolUseId: toBedrockToolUseId(part.id), name: part.name, input: parseInput(part.arguments, index) } }];
            }
            return part.signature ? [{ reasoningContent: { reasoningText: { text: part.text, signature: part.signature } } }] : [];
          }),
        );
      case "tool":
        return push(
          "user",
          message.content.map((result) => ({
            toolResult: {
              toolUseId: toBedrockToolUseId(result.toolCallId),
              content: result.content.map((inner) =>
                inner.type === "text" ? { text: inner.text } : imageBlock(inner, `messages[${index}].content`),
              ),
              ...(result.isError && { status: "error" }),
            },
          })),
        );
    }
  });
  return out;
}

const imageFormats: Record<string, string> = { "image/png": "png", "image/jpeg": "jpeg", "image/jpg": "jpeg", "image/gif": "gif", "image/webp": "webp" };

function imageBlock(part: ImagePart, param: string): Block {
  let mediaType: string;
  let data: string;
  if (part.source.kind === "base64") {
    mediaType = part.source.mediaType;
    data = part.source.data;
  } else if (part.source.url.startsWith("s3://")) {
    const extension = /\.([a-z]+)$/i.exec(part.source.url)?.[1]?.toLowerCase();
    return { image: { format: extension === "jpg" ? "jpeg" : (extension ?? "png"), source: { s3Location: { uri: part.source.url } } } };
  } else {
    const match = /^data:([^;,]+);base64,(.*)$/s.exec(part.source.url);
    if (!match) {
      throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "Bedrock takes images as bytes: send a data: URL (or an s3:// URI).", { param });
    }
    mediaType = match[1]!;
    data = match[2]!;
  }
  const format = imageFormats[mediaType.toLowerCase()];
  if (!format) {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `Bedrock does not accept images of type ${mediaType} (png, jpeg, gif, webp).`, { param });
  }
  return { image: { format, source: { bytes: data } } };
}

function parseInput(text: string, index: number): unknown {
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "Tool call arguments must be valid JSON for Bedrock.", {
      param: `messages[${index}].tool_calls`,
    });
  }
}
