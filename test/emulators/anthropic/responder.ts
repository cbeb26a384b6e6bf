import { exampleFromSchema } from "../shared/schema-example.js";

/** One content block of an emulated reply, already in Anthropic's shape. */
export type EmulatedBlock =
  | { type: "text"; text: string }
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };

export interface EmulatedReply {
  content: EmulatedBlock[];
  stopReason: "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "refusal";
  stopSequence: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens: number;
}

type Body = Record<string, any>;

const countTokens = (text: string) => (text.match(/\S+/g) ?? []).length;

function blocksOf(content: unknown): Body[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return Array.isArray(content) ? content : [];
}

function textOf(content: unknown): string {
  return blocksOf(content)
    .map((block) => (block.type === "text" ? block.text : block.type === "tool_result" ? textOf(block.content) : ""))
    .filter((text) => text.length > 0)
    .join(" ");
}

/**
 * A deterministic Claude: calls tools when offered (all of them when the prompt says "all tools",
 * unless parallel use is disabled), thinks aloud when thinking is enabled, reports the text of tool
 * results it receives, otherwise echoes the last user text.
 */
export function defaultReply(body: Body): EmulatedReply {
  const messages: Body[] = Array.isArray(body.messages) ? body.messages : [];
  const systemText = textOf(body.system);
  const inputTokens = messages.reduce((sum, message) => sum + countTokens(textOf(message.content)) + 3, countTokens(systemText));
  const cacheReadInputTokens = blocksOf(body.system)
    .filter((block) => block.cache_control)
    .reduce((sum, block) => sum + countTokens(String(block.text ?? "")), 0);
  const last = messages[messages.length - 1] ?? {};
  const lastBlocks = blocksOf(last.content);
  const toolResults = lastBlocks.filter((block) => block.type === "tool_result");
  const lastText = textOf(lastBlocks.filter((block) => block.type === "text"));
  const tools: Body[] = Array.isArray(body.tools) ? body.tools : [];
  const choice: Body = body.tool_choice ?? { type: "auto" };
  const content: EmulatedBlock[] = [];

  if (body.thinking?.type === "enabled") {
    content.push({ type: "thinking", thinking: `Considering: ${lastText}`, signature: `sig-${countTokens(lastText)}` });
  }

  const forced = choice.type === "tool" || choice.type === "any";
  if (tools.length > 0 && choice.type !== "none" && (toolResults.length === 0 || forced)) {
    let chosen = tools.slice(0, 1);
    if (choice.type === "tool") chosen = tools.filter((tool) => tool.name === choice.name);
    else if (/all tools/i.test(lastText) && !choice.disable_parallel_tool_use) chosen = tools;
    chosen.forEach((tool, index) => {
      const input = exampleFromSchema(tool.input_schema) as Record<string, unknown>;
      content.push({ type: "tool_use", id: `toolu_emu${index}${messages.length}`, name: tool.name, input });
    });
    const outputTokens = content.reduce((sum, block) => sum + (block.type === "tool_use" ? countTokens(JSON.stringify(block.input)) + 5 : 0), 0);
    return { content, stopReason: "tool_use", stopSequence: null, inputTokens, outputTokens, cacheReadInputTokens };
  }

  let text: string;
  if (toolResults.length > 0) {
    text = toolResults.map((result) => `The tool ${result.is_error ? "failed" : "said"}: ${textOf(result.content)}`).join(" ");
  } else {
    const images = lastBlocks.filter((block) => block.type === "image").length;
    text = `You said: ${lastText}${images > 0 ? ` (with ${images} image${images > 1 ? "s" : ""})` : ""}`;
  }
  let stopReason: EmulatedReply["stopReason"] = "end_turn";
  let stopSequence: string | null = null;
  for (const stop of Array.isArray(body.stop_sequences) ? (body.stop_sequences as string[]) : []) {
    const at = text.indexOf(stop);
    if (at >= 0) {
      text = text.slice(0, at);
      stopReason = "stop_sequence";
      stopSequence = stop;
    }
  }
  const words = text.split(/(?<=\s)/);
  if (typeof body.max_tokens === "number" && words.length > body.max_tokens) {
    text = words.slice(0, body.max_tokens).join("");
    stopReason = "max_tokens";
  }
  content.push({ type: "text", text });
  return { content, stopReason, stopSequence, inputTokens, outputTokens: countTokens(text), cacheReadInputTokens };
}
