import type { ChatResponse } from "../../core/types.js";
import { toAnthropicStopReason, toAnthropicUsage } from "./stop-reason.js";

/** Canonical response -> Anthropic `message` object. */
export function toAnthropicMessage(response: ChatResponse, meta: { id: string; model: string }): Record<string, unknown> {
  const content = response.content.map((part) => {
    switch (part.type) {
      case "text":
        return { type: "text", text: part.text };
      case "reasoning":
        return { type: "thinking", thinking: part.text, signature: part.signature ?? "" };
      case "tool-call":
        return { type: "tool_use", id: part.id, name: part.name, input: toolInput(part.arguments) };
    }
  });
  return {
    id: meta.id,
    type: "message",
    role: "assistant",
    model: meta.model,
    content,
    stop_reason: toAnthropicStopReason(response.finishReason),
    stop_sequence: null,
    usage: toAnthropicUsage(response.usage),
  };
}

/** Tool input is an object on Anthropic's wire; arguments that are not one are kept under `input`. */
export function toolInput(text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : { input: value };
  } catch {
    return { input: text };
  }
}
