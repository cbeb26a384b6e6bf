import { SwitchyardError } from "../core/errors.js";
import type { ChatRequest, Message, ResponseFormat, ToolChoice, ToolDefinition } from "../core/types.js";
import { translateInput, type StoredInputItem } from "./input-items.js";
import { functionToolSchema, parseAt, type ResponseCreateRequest, type TextFormat } from "./schema.js";

export interface CanonicalTurn {
  /** What goes through the gateway: instructions, the stored conversation, this turn's input. */
  request: ChatRequest;
  /** The conversation without instructions: what the next turn's `previous_response_id` continues from. */
  conversation: Message[];
  inputItems: StoredInputItem[];
}

/** Anthropic and Gemini take a token budget for thinking where OpenAI takes an effort. */
const THINKING_BUDGET = { minimal: 1024, low: 2048, medium: 8192, high: 16_384, xhigh: 32_768 } as const;

/**
 * A Responses API request -> the canonical request, continuing `history` (the conversation stored
 * under `previous_response_id`). Instructions are this turn's only: as in OpenAI's API, those of an
 * earlier response are not carried over.
 */
export function responseToCanonical(body: ResponseCreateRequest, history: readonly Message[]): CanonicalTurn {
  rejectUnsupported(body);
  const input = translateInput(body.input);
  const conversation = [...history, ...input.messages];
  if (conversation.length === 0) {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "Missing required parameter: 'input'.", { param: "input" });
  }
  const instructions: Message[] = body.instructions ? [{ role: "system", content: [{ type: "text", text: body.instructions }] }] : [];
  const request: ChatRequest = { model: body.model, messages: [...instructions, ...conversation] };
  const tools = (body.tools ?? []).map((tool, index) => toTool(tool, index));
  if (tools.length > 0) request.tools = tools;
  if (body.tool_choice != null) request.toolChoice = toToolChoice(body.tool_choice);
  if (body.parallel_tool_calls != null) request.parallelToolCalls = body.parallel_tool_calls;
  const format = body.text?.format;
  if (format) request.responseFormat = toResponseFormat(format);
  if (body.temperature != null) request.temperature = body.temperature;
  if (body.top_p != null) request.topP = body.top_p;
  if (body.max_output_tokens != null) request.maxOutputTokens = body.max_output_tokens;
  const user = body.user ?? body.safety_identifier;
  if (user != null) request.user = user;
  const options = reasoningOptions(body.reasoning);
  if (options) request.providerOptions = options;
  return { request, conversation, inputItems: input.items };
}

function rejectUnsupported(body: ResponseCreateRequest): void {
  if (body.background === true) {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "background responses are not supported by this gateway; stream the response instead.", { param: "background" });
  }
  if (body.conversation != null) {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "The Conversations API is not supported by this gateway; continue a conversation with previous_response_id.", {
      param: "conversation",
    });
  }
  if (body.prompt != null) {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "Stored prompt templates are not supported by this gateway; use a deployment or send instructions.", { param: "prompt" });
  }
}

/**
 * Only function tools translate: every provider gets the request through the canonical model, and
 * no provider contract carries OpenAI's hosted tools (their results come from OpenAI's servers).
 */
function toTool(tool: { type: string }, index: number): ToolDefinition {
  if (tool.type !== "function") {
    throw new SwitchyardError(
      "SWY_ERR_INVALID_REQUEST",
      `The built-in tool '${tool.type}' is not supported by this gateway (tools[${index}]); only function tools are, over every provider.`,
      { param: `tools[${index}].type` },
    );
  }
  const parsed = parseAt(functionToolSchema, tool, ["tools", index]);
  return {
    name: parsed.name,
    ...(parsed.description != null && { description: parsed.description }),
    parameters: parsed.parameters ?? { type: "object", properties: {} },
    ...(parsed.strict != null && { strict: parsed.strict }),
  };
}

function toToolChoice(choice: NonNullable<ResponseCreateRequest["tool_choice"]>): ToolChoice {
  if (typeof choice === "string") return { type: choice };
  if (choice.type === "function" && choice.name) return { type: "tool", name: choice.name };
  if (choice.type === "function") {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "Missing required parameter: 'tool_choice.name'.", { param: "tool_choice.name" });
  }
  throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `tool_choice of type '${choice.type}' is not supported by this gateway; use none, auto, required or a function.`, {
    param: "tool_choice.type",
  });
}

function toResponseFormat(format: TextFormat): ResponseFormat {
  switch (format.type) {
    case "text":
      return { type: "text" };
    case "json_object":
      return { type: "json" };
    case "json_schema":
      return {
        type: "json",
        name: format.name,
        schema: format.schema,
        ...(format.description != null && { description: format.description }),
        ...(format.strict != null && { strict: format.strict }),
      };
  }
}

/** `reasoning` in each provider's own terms; a provider without reasoning ignores options not keyed to it. */
function reasoningOptions(reasoning: ResponseCreateRequest["reasoning"]): ChatRequest["providerOptions"] {
  if (!reasoning) return undefined;
  const effort = reasoning.effort ?? undefined;
  const summary = reasoning.summary ?? reasoning.generate_summary ?? undefined;
  if (effort === undefined && summary === undefined) return undefined;
  const options: NonNullable<ChatRequest["providerOptions"]> = {};
  if (effort !== undefined) {
    options.openai = { reasoning_effort: effort };
    options["azure-openai"] = { reasoning_effort: effort };
  }
  if (effort === "none") return options;
  const budget = THINKING_BUDGET[effort ?? "medium"];
  options.anthropic = { thinking: { type: "enabled", budget_tokens: budget } };
  options.gemini = { generationConfig: { thinkingConfig: { includeThoughts: true, thinkingBudget: budget } } };
  return options;
}
