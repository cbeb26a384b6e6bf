import { createHash } from "node:crypto";
import type { ChatRequest } from "../core/types.js";
import { stableStringify } from "./cache-key.js";

/** How one request splits for the semantic cache: an exact partition, and the text compared by similarity. */
export interface SemanticQuery {
  /** Hash of the scope, the embedding settings and everything in the request except the last user turn. */
  partition: string;
  /** The last user message's text: the only part compared by similarity. */
  text: string;
}

/**
 * Only the final user turn is compared by meaning; everything else must match exactly. A shared
 * system prompt or history would otherwise dominate the vector (two different questions behind the
 * same long instructions score near 1), and instructions or earlier turns change answers in ways a
 * similarity score cannot see. Requests whose last turn is not plain user text (a tool result, an
 * image) are left to the exact cache: their answer depends on exact content.
 */
export function semanticQuery(request: ChatRequest, scope: string, embedding: string, maxChars: number): SemanticQuery | undefined {
  const last = request.messages.at(-1);
  if (last?.role !== "user" || last.content.some((part) => part.type !== "text")) return undefined;
  const text = last.content.map((part) => (part.type === "text" ? part.text : "")).join("\n").trim();
  if (text.length === 0 || text.length > maxChars) return undefined;
  const { user: _user, messages, ...parameters } = request;
  const context = { parameters, history: messages.slice(0, -1), name: last.name };
  const partition = createHash("sha256")
    .update(scope)
    .update("\u0000")
    .update(embedding)
    .update("\u0000")
    .update(stableStringify(context))
    .digest("base64url");
  return { partition, text };
}
