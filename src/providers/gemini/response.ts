import { SwitchyardError } from "../../core/errors.js";
import { createId } from "../../core/ids.js";
import type { FinishReason, StreamPart, Usage } from "../../core/types.js";
import { convertGeminiUsage, mapGeminiFinishReason } from "./finish-reason.js";
import { toolCallIdWithSignature } from "./thought-signature.js";
import type { GeminiResponse } from "./wire.js";

/**
 * Turns Gemini responses (one whole body, or each streamed chunk) into canonical parts.
 * Function calls arrive whole, so each becomes start + one delta + end. Gemini sends no call ids:
 * each call gets a fresh id here, and tool results are matched back to calls by name.
 */
export class GeminiPartsConverter {
  private toolCalls = 0;
  private sentMetadata = false;
  private usage: Usage | undefined;
  finish: FinishReason | undefined;

  constructor(private readonly provider: string) {}

  *push(response: GeminiResponse): Generator<StreamPart> {
    if (response.error) {
      yield geminiErrorPart(this.provider, response.error.message ?? "error event in stream", response.error.status);
      return;
    }
    if (!this.sentMetadata) {
      this.sentMetadata = true;
      yield { type: "response-metadata", id: response.responseId ?? undefined, model: response.modelVersion ?? undefined };
    }
    const candidate = response.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      if (part.functionCall) {
        const index = this.toolCalls++;
        const id = toolCallIdWithSignature(part.functionCall.id || createId("call_"), part.thoughtSignature);
        yield { type: "tool-call-start", index, id, name: part.functionCall.name };
        yield { type: "tool-call-delta", index, argumentsDelta: JSON.stringify(part.functionCall.args ?? {}) };
        yield { type: "tool-call-end", index };
      } else if (typeof part.text === "string" && (part.text.length > 0 || part.thoughtSignature)) {
        if (part.thought) {
          yield { type: "reasoning-delta", text: part.text, ...(part.thoughtSignature && { signature: part.thoughtSignature }) };
        } else yield { type: "text-delta", text: part.text };
      }
    }
    if (response.usageMetadata) this.usage = convertGeminiUsage(response.usageMetadata);
    if (candidate?.finishReason) this.finish = mapGeminiFinishReason(candidate.finishReason, this.toolCalls > 0);
    else if (!candidate && response.promptFeedback?.blockReason) {
      this.finish = { unified: "content-filter", raw: response.promptFeedback.blockReason };
    }
  }

  /** Usage then finish; called once the body or stream is complete. */
  *end(): Generator<StreamPart> {
    if (this.usage) yield { type: "usage", usage: this.usage };
    yield { type: "finish", reason: this.finish ?? mapGeminiFinishReason(undefined, this.toolCalls > 0) };
  }
}

/** A whole `generateContent` body -> the parts a stream of it would have produced. */
export function* geminiResponseToParts(response: GeminiResponse, provider: string): Generator<StreamPart> {
  const converter = new GeminiPartsConverter(provider);
  for (const part of converter.push(response)) {
    yield part;
    if (part.type === "error") return;
  }
  yield* converter.end();
}

export function geminiErrorPart(provider: string, message: string, status?: string | null): StreamPart {
  const code = status === "RESOURCE_EXHAUSTED" ? "SWY_ERR_UPSTREAM_RATE_LIMITED" : status === "UNAVAILABLE" ? "SWY_ERR_UPSTREAM_UNAVAILABLE" : "SWY_ERR_UPSTREAM_ERROR";
  return {
    type: "error",
    error: new SwitchyardError(code, `${provider}: ${status ? `${status}: ` : ""}${message}`, { upstream: { provider } }),
  };
}
