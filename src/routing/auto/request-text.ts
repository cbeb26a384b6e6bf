import type { ChatRequest } from "../../core/types.js";

/**
 * What the router reads: the latest user turn (the question being answered now) and how many user
 * turns the conversation has. System prompts are left out: they are usually the same for every
 * request of an application and would drown the signal.
 */
export function routingText(request: ChatRequest): { text: string; turns: number } {
  let turns = 0;
  let text = "";
  for (const message of request.messages) {
    if (message.role !== "user") continue;
    turns++;
    text = message.content.flatMap((part) => (part.type === "text" ? [part.text] : [])).join("\n");
  }
  return { text, turns: Math.max(turns, 1) };
}
