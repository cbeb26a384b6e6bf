import { z } from "zod";
import { formatPath } from "../config/issues.js";
import { SwitchyardError } from "../core/errors.js";

/**
 * OpenAI's Responses API request as Switchyard accepts it. Input items and tools are checked one by
 * one (`parseItem`), so an item or tool of a type the gateway cannot carry gets a 400 naming that
 * type rather than a union error listing every type it might have been.
 */

const inputText = z.object({ type: z.literal("input_text"), text: z.string() });
const outputText = z.object({ type: z.literal("output_text"), text: z.string(), annotations: z.array(z.unknown()).optional() });
const refusal = z.object({ type: z.literal("refusal"), refusal: z.string() });
const inputImage = z.object({
  type: z.literal("input_image"),
  image_url: z.string().min(1).nullish(),
  file_id: z.string().nullish(),
  detail: z.enum(["auto", "low", "high"]).nullish(),
});
const inputFile = z.looseObject({ type: z.literal("input_file") });
const inputAudio = z.looseObject({ type: z.literal("input_audio") });

export const contentPartSchema = z.discriminatedUnion("type", [inputText, outputText, refusal, inputImage, inputFile, inputAudio]);
export type ContentPart = z.infer<typeof contentPartSchema>;

export const messageItemSchema = z.object({
  type: z.literal("message"),
  id: z.string().min(1).optional(),
  role: z.enum(["user", "assistant", "system", "developer"]),
  content: z.union([z.string(), z.array(contentPartSchema)]),
  status: z.enum(["in_progress", "completed", "incomplete"]).nullish(),
});

export const functionCallItemSchema = z.object({
  type: z.literal("function_call"),
  id: z.string().min(1).optional(),
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
  status: z.enum(["in_progress", "completed", "incomplete"]).nullish(),
});

export const functionCallOutputItemSchema = z.object({
  type: z.literal("function_call_output"),
  id: z.string().min(1).nullish(),
  call_id: z.string().min(1),
  output: z.union([z.string(), z.array(contentPartSchema)]),
  status: z.enum(["in_progress", "completed", "incomplete"]).nullish(),
});

export const reasoningItemSchema = z.object({
  type: z.literal("reasoning"),
  id: z.string().min(1).optional(),
  summary: z.array(z.object({ type: z.literal("summary_text"), text: z.string() })).default([]),
  content: z.array(z.object({ type: z.literal("reasoning_text"), text: z.string() })).nullish(),
  /** Carries the provider's reasoning signature (Anthropic's `signature`) across stateless turns. */
  encrypted_content: z.string().nullish(),
  status: z.enum(["in_progress", "completed", "incomplete"]).nullish(),
});

export type MessageItem = z.infer<typeof messageItemSchema>;
export type FunctionCallItem = z.infer<typeof functionCallItemSchema>;
export type FunctionCallOutputItem = z.infer<typeof functionCallOutputItemSchema>;
export type ReasoningItem = z.infer<typeof reasoningItemSchema>;
export type InputItem = MessageItem | FunctionCallItem | FunctionCallOutputItem | ReasoningItem;

const itemSchemas = {
  message: messageItemSchema,
  function_call: functionCallItemSchema,
  function_call_output: functionCallOutputItemSchema,
  reasoning: reasoningItemSchema,
} as const;

export const functionToolSchema = z.object({
  type: z.literal("function"),
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "must be 1-64 letters, digits, _ or -"),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});
export type FunctionTool = z.infer<typeof functionToolSchema>;

const textFormat = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({
    type: z.literal("json_schema"),
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "must be 1-64 letters, digits, _ or -"),
    schema: z.record(z.string(), z.unknown()),
    description: z.string().nullish(),
    strict: z.boolean().nullish(),
  }),
]);
export type TextFormat = z.infer<typeof textFormat>;

export const responseCreateSchema = z.object({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.looseObject({}))]).optional(),
  instructions: z.string().nullish(),
  previous_response_id: z.string().min(1).max(128).nullish(),
  tools: z.array(z.looseObject({ type: z.string().min(1) })).nullish(),
  tool_choice: z
    .union([z.enum(["none", "auto", "required"]), z.looseObject({ type: z.string().min(1), name: z.string().min(1).optional() })])
    .nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  text: z
    .object({ format: textFormat.nullish(), verbosity: z.enum(["low", "medium", "high"]).nullish() })
    .nullish(),
  reasoning: z
    .object({
      effort: z.enum(["none", "minimal", "low", "medium", "high", "xhigh"]).nullish(),
      summary: z.enum(["auto", "concise", "detailed"]).nullish(),
      generate_summary: z.enum(["auto", "concise", "detailed"]).nullish(),
    })
    .nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  store: z.boolean().nullish(),
  stream: z.boolean().nullish(),
  metadata: z
    .record(z.string().max(64), z.string().max(512))
    .refine((value) => Object.keys(value).length <= 16, "at most 16 keys")
    .nullish(),
  user: z.string().nullish(),
  safety_identifier: z.string().nullish(),
  include: z.array(z.string()).nullish(),
  truncation: z.enum(["auto", "disabled"]).nullish(),
  background: z.boolean().nullish(),
  conversation: z.unknown().optional(),
  prompt: z.unknown().optional(),
});

export type ResponseCreateRequest = z.infer<typeof responseCreateSchema>;

/** Parses one input item, naming the item (`input[2].call_id`) when it is malformed or of a type the gateway cannot carry. */
export function parseItem(raw: Record<string, unknown>, index: number): InputItem {
  // An item with a role and no type is an "easy" input message.
  const type = raw.type ?? (raw.role === undefined ? undefined : "message");
  if (typeof type !== "string") {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `Invalid value for 'input[${index}]': an input item needs a 'type' (or a 'role' for a message).`, {
      param: `input[${index}]`,
    });
  }
  if (!(type in itemSchemas)) {
    throw new SwitchyardError(
      "SWY_ERR_INVALID_REQUEST",
      `Input items of type '${type}' are not supported by this gateway (input[${index}]); it accepts message, function_call, function_call_output and reasoning items.`,
      { param: `input[${index}].type` },
    );
  }
  return parseAt(itemSchemas[type as keyof typeof itemSchemas], { ...raw, type }, ["input", index]);
}

/** Validates a value at a path of the request, naming the field at fault. */
export function parseAt<Schema extends z.ZodType>(schema: Schema, value: unknown, path: Array<string | number>): z.infer<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const param = formatPath([...path, ...(issue.path as Array<string | number>)]);
  const message = issue.code === "invalid_type" && issue.input === undefined ? "this field is required." : issue.message;
  throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `Invalid value for '${param}': ${message}`, { param });
}
