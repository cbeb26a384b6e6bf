import type { ChatResponse, StreamPart } from "../core/types.js";

/** A stored response as canonical stream parts, so a hit can be served as JSON or as SSE. */
export function responseToParts(response: ChatResponse): StreamPart[] {
  const parts: StreamPart[] = [{ type: "response-metadata", id: response.id, model: response.model, created: response.created }];
  let toolIndex = 0;
  for (const part of response.content) {
    if (part.type === "reasoning") parts.push({ type: "reasoning-delta", text: part.text, signature: part.signature });
    else if (part.type === "text") parts.push({ type: "text-delta", text: part.text });
    else {
      const index = toolIndex++;
      parts.push(
        { type: "tool-call-start", index, id: part.id, name: part.name },
        { type: "tool-call-delta", index, argumentsDelta: part.arguments },
        { type: "tool-call-end", index },
      );
    }
  }
  if (response.usage) parts.push({ type: "usage", usage: response.usage });
  parts.push({ type: "finish", reason: response.finishReason });
  return parts;
}

export async function* replayParts(parts: readonly StreamPart[]): AsyncGenerator<StreamPart> {
  yield* parts;
}
