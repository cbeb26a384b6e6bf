import type { FinishReason, StreamPart } from "../../core/types.js";

/** Mistral's finish reasons beyond OpenAI's: `model_length` (context full) and `error`. */
export function mapMistralFinishReason(reason: FinishReason): FinishReason {
  if (reason.raw === "model_length") return { unified: "length", raw: reason.raw };
  if (reason.raw === "error") return { unified: "error", raw: reason.raw };
  return reason;
}

export async function* withMistralFinishReasons(parts: AsyncIterable<StreamPart> | Iterable<StreamPart>): AsyncGenerator<StreamPart> {
  for await (const part of parts) {
    yield part.type === "finish" ? { type: "finish", reason: mapMistralFinishReason(part.reason) } : part;
  }
}
