import type { ImagePart, Message, TextPart, Warning } from "../../core/types.js";

export type WireImageSource =
  | { type: "base64"; media_type: string; data: string }
  | { type: "url"; url: string };

export type WireBlock =
  | { type: "text"; text: string }
  | { type: "image"; source: WireImageSource }
  | { type: "tool_use"; id: string; name: string; input: unknown }
  | {
      type: "tool_result";
      tool_use_id: string;
      content: Array<{ type: "text"; text: string } | { type: "image"; source: WireImageSource }>;
      is_error?: boolean;
    }
  | { type: "thinking"; thinking: string; signature: string };

export interface WireMessage {
  role: "user" | "assistant";
  content: WireBlock[];
}

/**
 * Canonical messages -> Anthropic's `system` and alternating user/assistant turns. System messages
 * anywhere are hoisted into `system`; tool results and the user text after them share one user turn,
 * because Anthropic wants every tool_result of a turn in the user message right after the tool_use.
 */
export function toAnthropicMessages(messages: Message[], warnings: Warning[]): { system: TextPart[]; turns: WireMessage[] } {
  const system: TextPart[] = [];
  const turns: WireMessage[] = [];
  const push = (role: WireMessage["role"], blocks: WireBlock[]) => {
    if (blocks.length === 0) return;
    const last = turns[turns.length - 1];
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };
  for (const [index, message] of messages.entries()) {
    switch (message.role) {
      case "system":
        if (turns.length > 0) {
          warnings.push({ type: "other", message: `messages[${index}]: a system message after the first turn was moved into the system prompt` });
        }
        system.push(...message.content.filter((part) => part.text.length > 0));
        break;
      case "user":
        push(
          "user",
          message.content.flatMap((part): WireBlock[] =>
            part.type === "text" ? textBlock(part.text) : [{ type: "image", source: toImageSource(part) }],
          ),
        );
        break;
      case "assistant":
        push(
          "assistant",
          message.content.flatMap((part): WireBlock[] => {
            if (part.type === "text") return textBlock(part.text);
            if (part.type === "tool-call") return [{ type: "tool_use", id: part.id, name: part.name, input: parseArguments(part.arguments) }];
            // Thinking without its signature is rejected upstream, so it can only be dropped.
            return part.signature ? [{ type: "thinking", thinking: part.text, signature: part.signature }] : [];
          }),
        );
        break;
      case "tool":
        push(
          "user",
          message.content.map((part) => ({
            type: "tool_result" as const,
            tool_use_id: part.toolCallId,
            content: part.content.map((inner) =>
              inner.type === "text" ? { type: "text" as const, text: inner.text } : { type: "image" as const, source: toImageSource(inner) },
            ),
            ...(part.isError && { is_error: true }),
          })),
        );
        break;
    }
  }
  return { system, turns };
}

// Anthropic rejects empty text blocks.
const textBlock = (text: string): WireBlock[] => (text.length > 0 ? [{ type: "text", text }] : []);

function toImageSource(part: ImagePart): WireImageSource {
  return part.source.kind === "url"
    ? { type: "url", url: part.source.url }
    : { type: "base64", media_type: part.source.mediaType, data: part.source.data };
}

/** Tool inputs are objects upstream; arguments that are not a JSON object are kept under `input`. */
function parseArguments(text: string): unknown {
  if (text.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? value : { input: value };
  } catch {
    return { input: text };
  }
}
