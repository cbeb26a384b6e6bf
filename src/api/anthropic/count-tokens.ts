import type { Tiktoken } from "js-tiktoken/lite";
import { boundTokenizer } from "../../core/bounded-tokenizer.js";
import type { CountTokensRequest } from "./schema.js";

/** What one image costs in the estimate: Anthropic's figure for a ~1.15 megapixel image. */
const IMAGE_TOKENS = 1600;
/** Per-message framing tokens (role markers). */
const MESSAGE_OVERHEAD = 3;

let encoder: Promise<Tiktoken> | undefined;

// The rank table is large: load it on the first count, not at startup.
function loadEncoder(): Promise<Tiktoken> {
  encoder ??= Promise.all([import("js-tiktoken/lite"), import("js-tiktoken/ranks/cl100k_base")]).then(
    ([lite, ranks]) => boundTokenizer(new lite.Tiktoken(ranks.default)),
  );
  return encoder;
}

/**
 * An estimate of the input tokens of a Messages request with OpenAI's cl100k_base encoding:
 * Claude's own tokenizer is not public, so counts are close, not exact.
 */
export async function estimateInputTokens(body: CountTokensRequest): Promise<number> {
  const tokenizer = await loadEncoder();
  const count = (text: string) => (text.length === 0 ? 0 : tokenizer.encode(text).length);
  let total = 0;
  if (typeof body.system === "string") total += count(body.system);
  else for (const block of body.system ?? []) total += count(block.text);
  for (const tool of body.tools ?? []) {
    total += count(JSON.stringify({ name: tool.name, description: tool.description, input_schema: tool.input_schema }));
  }
  for (const message of body.messages) {
    total += MESSAGE_OVERHEAD;
    if (typeof message.content === "string") {
      total += count(message.content);
      continue;
    }
    for (const block of message.content) {
      switch (block.type) {
        case "text":
          total += count(block.text);
          break;
        case "image":
          total += IMAGE_TOKENS;
          break;
        case "tool_use":
          total += count(block.name) + count(JSON.stringify(block.input));
          break;
        case "tool_result":
          if (typeof block.content === "string") total += count(block.content);
          else for (const inner of block.content ?? []) total += inner.type === "text" ? count(inner.text) : IMAGE_TOKENS;
          break;
        case "thinking":
          total += count(block.thinking);
          break;
        case "redacted_thinking":
          // Opaque encrypted reasoning: its size says nothing about the tokens it stands for.
          break;
      }
    }
  }
  return total;
}
