import type { ChatRequest } from "../../core/types.js";
import { countTokensOffThread } from "./token-counter-worker.js";

/** Tokens in a text, counted with o200k_base: exact for current OpenAI models, close for others. */
export async function countTokens(text: string): Promise<number> {
  if (text.length === 0) return 0;
  return (await countTokensOffThread([text]))[0]!;
}

/** Calls `take` with each piece of text a request sends: every message, tool definition and schema, in order. */
function eachPiece(request: ChatRequest, take: (piece: string) => void): void {
  for (const message of request.messages) {
    for (const part of message.content) {
      if (part.type === "text" || part.type === "reasoning") take(part.text);
      else if (part.type === "tool-call") {
        take(part.name);
        take(part.arguments);
      } else if (part.type === "tool-result") for (const inner of part.content) if (inner.type === "text") take(inner.text);
    }
  }
  for (const tool of request.tools ?? []) {
    take(tool.name);
    take(tool.description ?? "");
    take(JSON.stringify(tool.parameters));
  }
  if (request.responseFormat?.type === "json" && request.responseFormat.schema) take(JSON.stringify(request.responseFormat.schema));
}

/** The text a request sends, for counting: every message, tool definition and schema. */
export function requestText(request: ChatRequest): string {
  const pieces: string[] = [];
  eachPiece(request, (piece) => pieces.push(piece));
  return pieces.join("\n");
}

/** `requestText(request).length` without building the text (it runs per limited request). */
export function requestTextLength(request: ChatRequest): number {
  let length = 0;
  let pieces = 0;
  eachPiece(request, (piece) => {
    length += piece.length;
    pieces++;
  });
  // The pieces are joined with one newline between each two.
  return pieces === 0 ? 0 : length + pieces - 1;
}

/** Per-message framing tokens that chat formats add around content. */
const PER_MESSAGE_OVERHEAD = 4;
/** Images are priced per tile upstream; this is a middle value for a budget reservation, not a bill. */
const IMAGE_ESTIMATE = 800;

/** A quick upper-leaning guess of input tokens without the tokenizer, for reservations on the hot path. */
export function quickInputEstimate(request: ChatRequest): number {
  let images = 0;
  for (const message of request.messages) for (const part of message.content) if (part.type === "image") images++;
  return Math.ceil(requestTextLength(request) / 3) + request.messages.length * PER_MESSAGE_OVERHEAD + images * IMAGE_ESTIMATE;
}

export async function estimateInputTokens(request: ChatRequest): Promise<number> {
  let images = 0;
  for (const message of request.messages) for (const part of message.content) if (part.type === "image") images++;
  return (await countTokens(requestText(request))) + request.messages.length * PER_MESSAGE_OVERHEAD + images * IMAGE_ESTIMATE;
}
