import type { OpenaiChunk, OpenaiCompletion } from "./wire.js";

/**
 * Hand-written checks for the common shapes of OpenAI responses (text deltas, finish reasons,
 * usage), so the zod schemas in wire.ts run only for the rest (tool calls, errors, anything odd).
 * Each accepts a subset of what its schema accepts, and the schemas transform nothing, so a value
 * that passes is read exactly as the parsed one would be. Per chunk of a stream this is most of
 * the validation's cost.
 */
export function isHotChunk(value: unknown): value is OpenaiChunk {
  if (!isRecord(value)) return false;
  if (!optional(value.id, "string") || !optional(value.model, "string") || !optional(value.created, "number")) return false;
  if (value.error != null || !isHotUsage(value.usage)) return false;
  const choices = value.choices;
  if (choices == null) return true;
  if (!Array.isArray(choices)) return false;
  for (const choice of choices) {
    if (!isRecord(choice) || !optional(choice.index, "number") || !optional(choice.finish_reason, "string")) return false;
    const delta = choice.delta;
    if (delta == null) continue;
    if (!isRecord(delta) || delta.tool_calls != null) return false;
    if (!optional(delta.role, "string") || !optional(delta.content, "string") || !optional(delta.reasoning_content, "string") || !optional(delta.refusal, "string")) return false;
  }
  return true;
}

export function isHotCompletion(value: unknown): value is OpenaiCompletion {
  if (!isRecord(value)) return false;
  if (!optional(value.id, "string") || !optional(value.model, "string") || !optional(value.created, "number") || !isHotUsage(value.usage)) return false;
  if (!Array.isArray(value.choices)) return false;
  for (const choice of value.choices) {
    if (!isRecord(choice) || !optional(choice.finish_reason, "string")) return false;
    const message = choice.message;
    if (!isRecord(message) || message.tool_calls != null) return false;
    if (!optional(message.content, "string") || !optional(message.reasoning_content, "string") || !optional(message.refusal, "string")) return false;
  }
  return true;
}

function isHotUsage(usage: unknown): boolean {
  if (usage == null) return true;
  if (!isRecord(usage) || !optional(usage.prompt_tokens, "number") || !optional(usage.completion_tokens, "number")) return false;
  const prompt = usage.prompt_tokens_details;
  const completion = usage.completion_tokens_details;
  if (prompt != null && (!isRecord(prompt) || !optional(prompt.cached_tokens, "number"))) return false;
  return completion == null || (isRecord(completion) && optional(completion.reasoning_tokens, "number"));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optional(value: unknown, type: "string" | "number"): boolean {
  return value == null || typeof value === type;
}
