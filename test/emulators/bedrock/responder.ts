import { exampleFromSchema } from "../shared/schema-example.js";

/** What the emulated Bedrock model answers, before it is put in the Converse wire format. */
export interface BedrockReply {
  content: Array<{ text: string } | { toolUse: { toolUseId: string; name: string; input: unknown } }>;
  stopReason: "end_turn" | "tool_use" | "max_tokens" | "stop_sequence" | "guardrail_intervened";
  inputTokens: number;
  outputTokens: number;
}

type Body = Record<string, any>;

const countTokens = (text: string) => (text.match(/\S+/g) ?? []).length;

function blocksText(blocks: Body[] | undefined): string {
  return (blocks ?? [])
    .map((block) => {
      if (typeof block.text === "string") return block.text;
      if (block.toolResult) return blocksText(block.toolResult.content);
      if (block.json !== undefined) return JSON.stringify(block.json);
      return "";
    })
    .filter((text) => text.length > 0)
    .join(" ");
}

let sequence = 0;

/**
 * A deterministic Converse model: calls tools when offered (the forced one, or all of them when the prompt
 * says "all tools"), stops on a guardrail when the prompt says "guardrail", otherwise echoes the last user turn.
 */
export function bedrockReply(body: Body): BedrockReply {
  const messages: Body[] = Array.isArray(body.messages) ? body.messages : [];
  const systemText = blocksText(body.system);
  const inputTokens = messages.reduce((sum, message) => sum + countTokens(blocksText(message.content)) + 3, countTokens(systemText));
  const last = messages[messages.length - 1] ?? {};
  const lastBlocks: Body[] = Array.isArray(last.content) ? last.content : [];
  const answeringTool = lastBlocks.some((block) => block.toolResult);
  const lastText = blocksText(lastBlocks);
  const tools: Body[] = (body.toolConfig?.tools ?? []).map((tool: Body) => tool.toolSpec);
  const choice = body.toolConfig?.toolChoice;

  if (/guardrail/i.test(lastText)) {
    return { content: [{ text: "Sorry, the model cannot answer this question." }], stopReason: "guardrail_intervened", inputTokens, outputTokens: 7 };
  }
  if (tools.length > 0 && !answeringTool) {
    let chosen = tools.slice(0, 1);
    if (choice?.tool?.name) chosen = tools.filter((tool) => tool.name === choice.tool.name);
    else if (/all tools/i.test(lastText)) chosen = tools;
    const content = chosen.map((tool) => ({
      toolUse: { toolUseId: `tooluse_emu${++sequence}`, name: tool.name as string, input: exampleFromSchema(tool.inputSchema?.json) },
    }));
    return { content, stopReason: "tool_use", inputTokens, outputTokens: content.length * 6 };
  }

  let text: string;
  if (answeringTool) text = `The tool said: ${lastText}`;
  else {
    const images = lastBlocks.filter((block) => block.image).length;
    text = `You said: ${lastText}${images > 0 ? ` (with ${images} image${images > 1 ? "s" : ""})` : ""}`;
  }
  let stopReason: BedrockReply["stopReason"] = "end_turn";
  for (const stop of body.inferenceConfig?.stopSequences ?? []) {
    const at = text.indexOf(stop);
    if (at >= 0) {
      text = text.slice(0, at);
      stopReason = "stop_sequence";
    }
  }
  const limit = body.inferenceConfig?.maxTokens;
  const words = text.split(/(?<=\s)/);
  if (typeof limit === "number" && words.length > limit) {
    text = words.slice(0, limit).join("");
    stopReason = "max_tokens";
  }
  return { content: [{ text }], stopReason, inputTokens, outputTokens: countTokens(text) };
}

/** The checks Converse applies that a translation could get wrong, with the service's own messages. */
export function validateConverse(body: Body): string | undefined {
  const messages: Body[] = Array.isArray(body?.messages) ? body.messages : [];
  if (messages.length === 0) return "A conversation must start with a user message. Try again with a conversation that starts with a user message.";
  if (messages[0]!.role !== "user") return "A conversation must start with a user message. Try again with a conversation that starts with a user message.";
  let toolBlocks = false;
  for (const [index, message] of messages.entries()) {
    if (index > 0 && messages[index - 1]!.role === message.role) {
      return "A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.";
    }
    if (!Array.isArray(message.content) || message.content.length === 0) {
      return `The content field in the Message object at messages.${index} is empty. Add a ContentBlock object to the content field and try again.`;
    }
    for (const block of message.content) {
      if (block.toolUse || block.toolResult) toolBlocks = true;
      if (block.image && (!["png", "jpeg", "gif", "webp"].includes(block.image.format) || typeof block.image.source?.bytes !== "string")) {
        return `messages.${index}.content.image: invalid image block`;
      }
    }
  }
  if (toolBlocks && !body.toolConfig) {
    return "The toolConfig field must be defined when using toolUse and toolResult content blocks.";
  }
  return undefined;
}
