import { SwitchyardError } from "../../core/errors.js";
import type { ChatRequest, ImagePart, Message, ToolChoice, Warning } from "../../core/types.js";
import { sanitizeSchemaForGemini } from "./json-schema.js";
import { signatureFromToolCallId } from "./thought-signature.js";

type GeminiPart = Record<string, unknown>;
interface GeminiContent {
  role: "user" | "model";
  parts: GeminiPart[];
}

/** Canonical request -> Gemini `GenerateContentRequest` body (the model goes in the URL). */
export function toGeminiRequest(request: ChatRequest): { body: Record<string, unknown>; warnings: Warning[] } {
  const warnings: Warning[] = [];
  const body: Record<string, unknown> = {};
  const system = request.messages
    .filter((message) => message.role === "system")
    .flatMap((message) => message.content.map((part) => ({ text: part.text })));
  if (system.length > 0) body.systemInstruction = { parts: system };
  body.contents = toContents(request.messages, warnings);

  if (request.tools?.length) {
    body.tools = [
      {
        functionDeclarations: request.tools.map((tool) => {
          const { schema, removed } = sanitizeSchemaForGemini(tool.parameters);
          if (removed.length > 0) warnings.push(removedWarning(`tools.${tool.name}.parameters`, removed));
          return {
            name: tool.name,
            ...(tool.description !== undefined && { description: tool.description }),
            ...(schema !== undefined && { parameters: schema }),
          };
        }),
      },
    ];
  }
  if (request.toolChoice && request.tools?.length) body.toolConfig = toToolConfig(request.toolChoice);

  const generationConfig: Record<string, unknown> = {};
  if (request.temperature !== undefined) generationConfig.temperature = request.temperature;
  if (request.topP !== undefined) generationConfig.topP = request.topP;
  if (request.topK !== undefined) generationConfig.topK = request.topK;
  if (request.maxOutputTokens !== undefined) generationConfig.maxOutputTokens = request.maxOutputTokens;
  if (request.stopSequences?.length) generationConfig.stopSequences = request.stopSequences;
  if (request.seed !== undefined) generationConfig.seed = request.seed;
  if (request.presencePenalty !== undefined) generationConfig.presencePenalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) generationConfig.frequencyPenalty = request.frequencyPenalty;
  if (request.responseFormat?.type === "json") {
    generationConfig.responseMimeType = "application/json";
    if (request.responseFormat.schema) {
      const { schema, removed } = sanitizeSchemaForGemini(request.responseFormat.schema);
      if (removed.length > 0) warnings.push(removedWarning("response_format.schema", removed));
      if (schema !== undefined) generationConfig.responseSchema = schema;
    }
  }
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  if (request.parallelToolCalls === false) {
    warnings.push({
      type: "unsupported-setting",
      setting: "parallel_tool_calls",
      message: "Gemini cannot be told to call one function at a time",
    });
  }
  const passthrough = request.providerOptions?.gemini;
  if (passthrough) {
    const { generationConfig: extraGeneration, ...rest } = passthrough;
    Object.assign(body, rest);
    if (typeof extraGeneration === "object" && extraGeneration !== null) {
      body.generationConfig = { ...generationConfig, ...extraGeneration };
    }
  }
  return { body, warnings };
}

function toContents(messages: Message[], warnings: Warning[]): GeminiContent[] {
  // Gemini has no call ids on the wire: a tool result is matched to its call by function name.
  const callNames = new Map<string, string>();
  const contents: GeminiContent[] = [];
  const push = (role: GeminiContent["role"], parts: GeminiPart[]) => {
    if (parts.length === 0) return;
    const last = contents[contents.length - 1];
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };
  messages.forEach((message, index) => {
    switch (message.role) {
      case "system":
        return;
      case "user":
        return push(
          "user",
          message.content.map((part) => (part.type === "text" ? { text: part.text } : imagePart(part, index))),
        );
      case "assistant": {
        const parts: GeminiPart[] = [];
        for (const part of message.content) {
          if (part.type === "text") {
            if (part.text.length > 0) parts.push({ text: part.text });
          } else if (part.type === "tool-call") {
            callNames.set(part.id, part.name);
            const signature = signatureFromToolCallId(part.id);
            parts.push({
              functionCall: { name: part.name, args: parseArguments(part.arguments, index) },
              ...(signature && { thoughtSignature: signature }),
            });
          } else if (part.signature) {
            parts.push({ text: part.text, thought: true, thoughtSignature: part.signature });
          }
        }
        return push("model", parts);
      }
      case "tool":
        return push(
          "user",
          message.content.map((result) => {
            const name = callNames.get(result.toolCallId) ?? result.name;
            if (name === undefined) {
              throw new SwitchyardError(
                "SWY_ERR_INVALID_REQUEST",
                `The tool result for call '${result.toolCallId}' matches no earlier tool call; Gemini needs the function name.`,
                { param: `messages[${index}].tool_call_id` },
              );
            }
            const text = result.content.map((inner) => (inner.type === "text" ? inner.text : "")).join("");
            if (result.content.some((inner) => inner.type === "image")) {
              warnings.push({ type: "other", message: "images in tool results are not sent to Gemini" });
            }
            const value = parseResult(text);
            return { functionResponse: { name, response: result.isError ? { error: value } : { content: value } } };
          }),
        );
    }
  });
  return contents;
}

function imagePart(part: ImagePart, index: number): GeminiPart {
  if (part.source.kind === "base64") return { inlineData: { mimeType: part.source.mediaType, data: part.source.data } };
  const dataUrl = /^data:([^;,]+);base64,(.*)$/s.exec(part.source.url);
  if (dataUrl) return { inlineData: { mimeType: dataUrl[1], data: dataUrl[2] } };
  if (!/^(https?|gs):\/\//.test(part.source.url)) {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "Image URLs must be http(s), gs:// or data: URLs.", {
      param: `messages[${index}].content`,
    });
  }
  return { fileData: { mimeType: mimeTypeFromUrl(part.source.url), fileUri: part.source.url } };
}

function mimeTypeFromUrl(url: string): string {
  const extension = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase();
  const known: Record<string, string> = {
    png: "image/png",
    gif: "image/gif",
    webp: "image/webp",
    heic: "image/heic",
    heif: "image/heif",
    pdf: "application/pdf",
  };
  return (extension && known[extension]) || "image/jpeg";
}

function parseArguments(text: string, index: number): Record<string, unknown> {
  if (text.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "Tool call arguments must be a JSON object for Gemini.", {
    param: `messages[${index}].tool_calls`,
  });
}

function parseResult(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function toToolConfig(choice: ToolChoice): Record<string, unknown> {
  switch (choice.type) {
    case "auto":
      return { functionCallingConfig: { mode: "AUTO" } };
    case "none":
      return { functionCallingConfig: { mode: "NONE" } };
    case "required":
      return { functionCallingConfig: { mode: "ANY" } };
    case "tool":
      return { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [choice.name] } };
  }
}

function removedWarning(setting: string, removed: string[]): Warning {
  return {
    type: "other",
    setting,
    message: `Gemini does not accept these JSON Schema keywords, so they were removed: ${removed.join(", ")}`,
  };
}
