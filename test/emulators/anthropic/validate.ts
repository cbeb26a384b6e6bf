type Body = Record<string, any>;

/**
 * The checks the real Messages API makes that a translator can get wrong, with its wording:
 * required fields, empty text blocks, and tool_use / tool_result pairing across turns.
 * Returns the error message, or undefined when the body is acceptable.
 */
export function validateMessagesBody(body: Body | undefined, countOnly: boolean): string | undefined {
  if (typeof body?.model !== "string") return "model: Field required";
  if (!countOnly && typeof body.max_tokens !== "number") return "max_tokens: Field required";
  if (!Array.isArray(body.messages) || body.messages.length === 0) return "messages: at least one message is required";
  const messages: Body[] = body.messages;
  if (body.system !== undefined && typeof body.system !== "string" && !Array.isArray(body.system)) {
    return "system: Input should be a valid string or list";
  }
  for (const [index, message] of messages.entries()) {
    if (message.role !== "user" && message.role !== "assistant") {
      return `messages.${index}.role: Input should be 'user' or 'assistant'`;
    }
    const blocks: Body[] = typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content;
    if (!Array.isArray(blocks)) return `messages.${index}.content: Input should be a valid list`;
    for (const [blockIndex, block] of blocks.entries()) {
      if (block.type === "text" && (typeof block.text !== "string" || block.text.length === 0)) {
        return `messages.${index}.content.${blockIndex}: text content blocks must be non-empty`;
      }
      if (block.type === "image" && !["base64", "url"].includes(block.source?.type)) {
        return `messages.${index}.content.${blockIndex}.image.source: Input tag '${String(block.source?.type)}' does not match any of the expected tags: 'base64', 'url'`;
      }
      if (block.type === "tool_result" && message.role !== "user") {
        return `messages.${index}: tool_result blocks are only allowed in user messages`;
      }
    }
    const toolUses = blocks.filter((block) => block.type === "tool_use").map((block) => block.id as string);
    if (toolUses.length > 0) {
      const next = messages[index + 1];
      const answered = new Set(
        Array.isArray(next?.content) ? next.content.filter((block: Body) => block.type === "tool_result").map((block: Body) => block.tool_use_id) : [],
      );
      const missing = toolUses.filter((id) => !answered.has(id));
      if (next && missing.length > 0) {
        return `messages.${index + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(", ")}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
      }
    }
    const results = blocks.filter((block) => block.type === "tool_result");
    if (results.length > 0) {
      const previous = messages[index - 1];
      const offered = new Set(
        Array.isArray(previous?.content) ? previous.content.filter((block: Body) => block.type === "tool_use").map((block: Body) => block.id) : [],
      );
      const unknown = results.find((block) => !offered.has(block.tool_use_id));
      if (unknown) {
        return `messages.${index}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(unknown.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
      }
    }
  }
  return undefined;
}
