import type { ChatRequest } from "../../core/types.js";
import { countTokensOffThread } from "./token-counter-worker.js";

/** Tokens in a text, counted with o200k_base: exact for current OpenAI models, close for others. */
export async function countTokens(text: string): Promise<number> {
  if (text.length === 0) return 0;
  return (await countTokensOffThread([text]))[0]!;
}

/** The text a request sends, for counting: every message, tool definition and schema. */
export function requestText(request: ChatRequest): string {
  const pieces: string[] = [];
  for (const message of request.messages) {
    for (const part of message.content) {
      if (part.type === "text" || part.type === "reasoning") pieces.push(part.text);
      else if (part.type === "tool-call") pieces.push(part.name, part.arguments);
      else if (part.type === "tool-result") for (const inner of part.content) if (inner.type === "text") pieces.push(inner.text);
    }
  }
  for (const tool of request.tools ?? []) pieces.push(tool.name, tool.description ?? "", JSON.stringify(tool.parameters));
  if (request.responseFormat?.type === "json" && request.responseFormat.schema) pieces.push(JSON.stringify(request.responseFormat.schema));
  return pieces.join("\n");
}

/** Per-message framing tokens that chat formats add around content. */
const PER_MESSAGE_OVERHEAD = 4;
/** Images are priced per tile upstream; this is a middle value for a budget reservation, not a bill. */
const IMAGE_ESTIMATE = 800;

/** A quick upper-leaning guess of input tokens without the tokenizer, for reservations on the hot path. */
export function quickInputEstimate(request: ChatRequest): number {
  let images = 0;
  for (const message of request.messages) for (const part of message.content) if (part.type === "image") images++;
  return Math.ceil(requestText(request).length / 3) + request.messages.length * PER_MESSAGE_OVERHEAD + images * IMAGE_ESTIMATE;
}

export async function estimateInputTokens(request: ChatRequest): Promise<number> {
  let images = 0;
  for (const message of request.messages) for (const part of message.content) if (part.type === "image") images++;
  return (await countTokens(requestText(request))) + request.messages.length * PER_MESSAGE_OVERHEAD + images * IMAGE_ESTIMATE;
}
