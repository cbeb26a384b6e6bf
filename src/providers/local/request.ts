import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelFunctions, ChatModelResponse } from "node-llama-cpp";
import { SwitchyardError } from "../../core/errors.js";
import type { ChatRequest, Message, ToolResultPart, Warning } from "../../core/types.js";

export interface LocalChatInput {
  history: ChatHistoryItem[];
  functions?: ChatModelFunctions;
  warnings: Warning[];
}

/** Canonical messages -> node-llama-cpp chat history; the model's chat template (from the GGUF) renders it. */
export function toChatHistory(request: ChatRequest): LocalChatInput {
  const warnings: Warning[] = [];
  const results = new Map<string, ToolResultPart>();
  for (const message of request.messages) {
    if (message.role === "tool") for (const part of message.content) results.set(part.toolCallId, part);
  }
  const history: ChatHistoryItem[] = [];
  let imageWarned = false;
  for (const [index, message] of request.messages.entries()) {
    switch (message.role) {
      case "system":
        history.push({ type: "system", text: message.content.map((part) => part.text).join("\n") });
        break;
      case "user": {
        const text = message.content.map((part) => (part.type === "text" ? part.text : "")).join("");
        if (!imageWarned && message.content.some((part) => part.type === "image")) {
          imageWarned = true;
          warnings.push({ type: "unsupported-setting", setting: `messages[${index}].content`, message: "Local models read text only; images were left out." });
        }
        history.push({ type: "user", text });
        break;
      }
      case "assistant":
        history.push(assistantItem(message, results));
        break;
      case "tool":
        // Tool results travel inside the assistant's function-call items above.
        break;
    }
  }
  const last = history.at(-1);
  if (last?.type !== "model") history.push({ type: "model", response: [] });
  return { history, functions: toFunctions(request, warnings), warnings };
}

function assistantItem(message: Extract<Message, { role: "assistant" }>, results: Map<string, ToolResultPart>): ChatModelResponse {
  const response: ChatModelResponse["response"] = [];
  for (const part of message.content) {
    if (part.type === "text") response.push(part.text);
    if (part.type === "tool-call") {
      const result = results.get(part.id);
      const call: ChatModelFunctionCall = {
        type: "functionCall",
        name: part.name,
        params: parseArguments(part.arguments),
        result: result ? result.content.map((item) => (item.type === "text" ? item.text : "")).join("") : "",
      };
      response.push(call);
    }
  }
  return { type: "model", response };
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function toFunctions(request: ChatRequest, warnings: Warning[]): ChatModelFunctions | undefined {
  const tools = request.tools ?? [];
  if (tools.length === 0 || request.toolChoice?.type === "none") return undefined;
  if (request.responseFormat?.type === "json") {
    warnings.push({ type: "unsupported-setting", setting: "tools", message: "Local models take either tools or a JSON response format; tools were left out." });
    return undefined;
  }
  const choice = request.toolChoice;
  const chosen = choice?.type === "tool" ? tools.filter((tool) => tool.name === choice.name) : tools;
  if (choice?.type === "tool" && chosen.length === 0) {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "tool_choice names a tool that is not in tools.", { param: "tool_choice" });
  }
  if (choice?.type === "required" || choice?.type === "tool") {
    warnings.push({ type: "unsupported-setting", setting: "tool_choice", message: "Local models may answer in text even when a tool call is required." });
  }
  return Object.fromEntries(
    chosen.map((tool) => [tool.name, { description: tool.description, params: tool.parameters as ChatModelFunctions[string]["params"] }]),
  );
}
