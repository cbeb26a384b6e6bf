import type { StreamPart } from "../../core/types.js";
import { openaiCompletionToParts } from "../openai-compatible/response.js";
import { completionSchema } from "../openai-compatible/wire.js";
import { withMistralFinishReasons } from "./finish-reason.js";
import { contentChunksSchema } from "./wire.js";

/**
 * Rewrites chunked `content` (`[{type: "text"}, {type: "thinking"}]`) into the OpenAI-compatible
 * `content` / `reasoning_content` strings, in a whole completion or a stream chunk.
 */
export function flattenMistralContent(json: unknown): unknown {
  if (typeof json !== "object" || json === null) return json;
  const choices = (json as { choices?: unknown }).choices;
  if (!Array.isArray(choices)) return json;
  for (const choice of choices as Array<Record<string, unknown>>) {
    for (const key of ["message", "delta"]) {
      const message = choice[key] as Record<string, unknown> | undefined;
      if (!message || !Array.isArray(message.content)) continue;
      const chunks = contentChunksSchema.safeParse(message.content);
      if (!chunks.success) continue;
      let text = "";
      let reasoning = "";
      for (const chunk of chunks.data) {
        if ("text" in chunk && chunk.type === "text") text += chunk.text;
        else if ("thinking" in chunk) reasoning += (chunk.thinking ?? []).map((item) => item.text ?? "").join("");
      }
      message.content = text;
      if (reasoning) message.reasoning_content = reasoning;
    }
  }
  return json;
}

/** A whole Mistral chat completion -> canonical parts (undefined when the body is unreadable). */
export function mistralCompletionToParts(json: unknown): AsyncIterable<StreamPart> | undefined {
  const parsed = completionSchema.safeParse(flattenMistralContent(json));
  return parsed.success ? withMistralFinishReasons(openaiCompletionToParts(parsed.data)) : undefined;
}
