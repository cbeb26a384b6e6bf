import { exampleFromSchema } from "../shared/schema-example.js";

/** What the emulated model answers, before it is put in OpenAI's wire format. */
export interface EmulatedReply {
  text: string;
  toolCalls: Array<{ id: string; name: string; arguments: string }>;
  finishReason: "stop" | "length" | "tool_calls" | "content_filter";
  promptTokens: number;
  completionTokens: number;
}

type Body = Record<string, any>;

const countTokens = (text: string) => (text.match(/\S+/g) ?? []).length;

function messageText(message: Body): string {
  if (typeof message.content === "string") return message.content;
  if (Array.isArray(message.content)) {
    return message.content.map((part: Body) => (part.type === "text" ? part.text : "")).join(" ");
  }
  return "";
}

/**
 * A deterministic model: calls tools when offered (all of them when the prompt says "all tools"),
 * answers JSON modes with a value matching the schema, otherwise echoes the last user message.
 */
export function defaultReply(body: Body): EmulatedReply {
  const messages: Body[] = Array.isArray(body.messages) ? body.messages : [];
  const promptTokens = messages.reduce((sum, message) => sum + countTokens(messageText(message)) + 3, 0);
  const last = messages[messages.length - 1] ?? {};
  const lastUser = [...messages].reverse().find((message) => message.role === "user") ?? {};
  const tools: Body[] = Array.isArray(body.tools) ? body.tools : [];
  const choice = body.tool_choice;

  if (tools.length > 0 && choice !== "none" && last.role !== "tool") {
    let chosen = tools.slice(0, 1);
    if (typeof choice === "object" && choice?.function?.name) {
      chosen = tools.filter((tool) => tool.function.name === choice.function.name);
    } else if (/all tools/i.test(messageText(lastUser))) chosen = tools;
    const toolCalls = chosen.map((tool, index) => ({
      id: `call_emu${index}${messages.length}`,
      name: tool.function.name as string,
      arguments: JSON.stringify(exampleFromSchema(tool.function.parameters)),
    }));
    const completionTokens = toolCalls.reduce((sum, call) => sum + countTokens(call.arguments) + 5, 0);
    return { text: "", toolCalls, finishReason: "tool_calls", promptTokens, completionTokens };
  }

  let text: string;
  const format = body.response_format;
  if (format?.type === "json_schema") text = JSON.stringify(exampleFromSchema(format.json_schema?.schema));
  else if (format?.type === "json_object") text = JSON.stringify({ answer: messageText(lastUser) });
  else if (last.role === "tool") text = `The tool said: ${messageText(last)}`;
  else {
    const images = Array.isArray(lastUser.content)
      ? lastUser.content.filter((part: Body) => part.type === "image_url").length
      : 0;
    text = `You said: ${messageText(lastUser)}${images > 0 ? ` (with ${images} image${images > 1 ? "s" : ""})` : ""}`;
  }

  let finishReason: EmulatedReply["finishReason"] = "stop";
  const stops: string[] = typeof body.stop === "string" ? [body.stop] : Array.isArray(body.stop) ? body.stop : [];
  for (const stop of stops) {
    const at = text.indexOf(stop);
    if (at >= 0) text = text.slice(0, at);
  }
  const limit = body.max_completion_tokens ?? body.max_tokens;
  const words = text.split(/(?<=\s)/);
  if (typeof limit === "number" && words.length > limit) {
    text = words.slice(0, limit).join("");
    finishReason = "length";
  }
  return { text, toolCalls: [], finishReason, promptTokens, completionTokens: countTokens(text) };
}
