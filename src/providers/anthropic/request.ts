import type { ChatRequest, JsonSchema, ToolChoice, Warning } from "../../core/types.js";
import { toAnthropicMessages } from "./messages.js";

/** The tool that carries JSON output (Anthropic has no JSON mode). */
export interface JsonTool {
  name: string;
  /** True when the requested schema was not an object and was wrapped as `{value: ...}`. */
  wrapped: boolean;
  /** True when tool_choice forces it (no other tools), so any prose beside it is noise. */
  forced: boolean;
}

export const JSON_TOOL_NAME = "json_response";

export interface AnthropicRequestSettings {
  maxTokens: (model: string) => number;
}

/** Canonical request -> Messages API body. */
export function toAnthropicRequest(
  request: ChatRequest,
  stream: boolean,
  settings: AnthropicRequestSettings,
): { body: Record<string, unknown>; warnings: Warning[]; jsonTool?: JsonTool } {
  const warnings: Warning[] = [];
  const { system, turns } = toAnthropicMessages(request.messages, warnings);
  const body: Record<string, unknown> = {
    model: request.model,
    max_tokens: request.maxOutputTokens ?? settings.maxTokens(request.model),
    messages: turns,
  };
  if (system.length > 0) body.system = system.map((part) => ({ type: "text", text: part.text }));

  const tools: Array<Record<string, unknown>> = (request.tools ?? []).map((tool) => ({
    name: tool.name,
    ...(tool.description !== undefined && { description: tool.description }),
    input_schema: tool.parameters,
  }));
  let toolChoice = request.toolChoice && tools.length > 0 ? toWireToolChoice(request.toolChoice) : undefined;

  let jsonTool: JsonTool | undefined;
  if (request.responseFormat?.type === "json") {
    const format = request.responseFormat;
    const { schema, wrapped } = jsonToolSchema(format.schema);
    tools.push({
      name: JSON_TOOL_NAME,
      description: format.description ?? `Respond with the final answer${format.name ? ` (${format.name})` : ""} as this tool's input.`,
      input_schema: schema,
    });
    jsonTool = { name: JSON_TOOL_NAME, wrapped, forced: tools.length === 1 };
    if (jsonTool.forced) toolChoice = { type: "tool", name: JSON_TOOL_NAME };
    else {
      warnings.push({
        type: "other",
        message: "JSON output together with tools: the model may call a tool instead of answering in JSON",
      });
    }
  }
  if (tools.length > 0) body.tools = tools;
  // `none` takes no disable_parallel_tool_use: there is nothing to run in parallel.
  if (request.parallelToolCalls === false && tools.length > 0 && toolChoice?.type !== "none") {
    toolChoice = { ...(toolChoice ?? { type: "auto" }), disable_parallel_tool_use: true };
  }
  if (toolChoice) body.tool_choice = toolChoice;

  if (request.temperature !== undefined) {
    if (request.temperature > 1) {
      warnings.push({ type: "unsupported-setting", setting: "temperature", message: "Anthropic accepts temperature 0-1; clamped to 1" });
    }
    body.temperature = Math.min(request.temperature, 1);
  }
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.topK !== undefined) body.top_k = request.topK;
  if (request.stopSequences?.length) body.stop_sequences = request.stopSequences;
  if (request.user !== undefined) body.metadata = { user_id: request.user };
  for (const [setting, value] of [
    ["seed", request.seed],
    ["presence_penalty", request.presencePenalty],
    ["frequency_penalty", request.frequencyPenalty],
  ] as const) {
    if (value !== undefined) warnings.push({ type: "unsupported-setting", setting, message: `${setting} is not part of the Anthropic Messages API` });
  }
  if (stream) body.stream = true;
  Object.assign(body, request.providerOptions?.anthropic);
  return { body, warnings, jsonTool };
}

function toWireToolChoice(choice: ToolChoice): Record<string, unknown> {
  switch (choice.type) {
    case "auto":
      return { type: "auto" };
    case "none":
      return { type: "none" };
    case "required":
      return { type: "any" };
    case "tool":
      return { type: "tool", name: choice.name };
  }
}

/** Tool inputs must be objects: other schemas are wrapped as `{value: <schema>}` and unwrapped on the way back. */
function jsonToolSchema(schema: JsonSchema | undefined): { schema: JsonSchema; wrapped: boolean } {
  if (schema === undefined) return { schema: { type: "object", additionalProperties: true }, wrapped: false };
  if (schema.type === "object") return { schema, wrapped: false };
  return { schema: { type: "object", properties: { value: schema }, required: ["value"] }, wrapped: true };
}
