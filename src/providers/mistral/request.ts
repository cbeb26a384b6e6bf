import type { ChatRequest, Warning } from "../../core/types.js";
import { toOpenaiRequest } from "../openai-compatible/request.js";
import { toMistralToolCallId } from "./tool-call-id.js";

export interface MistralRequestSettings {
  safePrompt?: boolean;
}

/**
 * Canonical request -> Mistral chat body: OpenAI's wire with Mistral's differences applied
 * (`random_seed`, tool_choice `any`, 9-character tool call ids, `safe_prompt`, no `stream_options`,
 * `user` or user-message `name`, which Mistral rejects as unknown fields).
 */
export function toMistralRequest(
  request: ChatRequest,
  stream: boolean,
  settings: MistralRequestSettings,
): { body: Record<string, unknown>; warnings: Warning[] } {
  const { providerOptions, ...rest } = request;
  const { body, warnings } = toOpenaiRequest(rest, stream, { maxTokensField: "max_tokens", optionsKey: "mistral" });
  delete body.stream_options;
  if (body.seed !== undefined) {
    body.random_seed = body.seed;
    delete body.seed;
  }
  if (body.user !== undefined) {
    delete body.user;
    warnings.push({ type: "unsupported-setting", setting: "user", message: "Mistral has no end-user field" });
  }
  if (body.tool_choice === "required") body.tool_choice = "any";
  const messages = body.messages as Array<Record<string, unknown>>;
  if (messages.some((message) => message.role === "user" && message.name !== undefined)) {
    warnings.push({ type: "unsupported-setting", setting: "name", message: "Mistral's user messages have no name field" });
  }
  body.messages = messages.map(remapMessage);
  if (settings.safePrompt !== undefined) body.safe_prompt = settings.safePrompt;
  Object.assign(body, providerOptions?.mistral);
  return { body, warnings };
}

function remapMessage(message: Record<string, unknown>): Record<string, unknown> {
  if (message.role === "user" && message.name !== undefined) {
    const { name: _dropped, ...rest } = message;
    return rest;
  }
  if (message.role === "tool" && typeof message.tool_call_id === "string") {
    return { ...message, tool_call_id: toMistralToolCallId(message.tool_call_id) };
  }
  if (message.role === "assistant" && Array.isArray(message.tool_calls)) {
    return {
      ...message,
      tool_calls: (message.tool_calls as Array<{ id: string }>).map((call) => ({ ...call, id: toMistralToolCallId(call.id) })),
    };
  }
  return message;
}
