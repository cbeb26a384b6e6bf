import { z } from "zod";

/** The Anthropic Messages API request as Switchyard accepts it. Unknown fields are ignored. */

const cacheControl = z.looseObject({ type: z.string() }).nullish();

const textBlock = z.object({ type: z.literal("text"), text: z.string(), cache_control: cacheControl });

const imageSource = z.discriminatedUnion("type", [
  z.object({ type: z.literal("base64"), media_type: z.string().min(1), data: z.string().min(1) }),
  z.object({ type: z.literal("url"), url: z.string().regex(/^https?:\/\//, "must be an http(s) URL") }),
]);
const imageBlock = z.object({ type: z.literal("image"), source: imageSource, cache_control: cacheControl });

const toolUseBlock = z.object({
  type: z.literal("tool_use"),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  cache_control: cacheControl,
});

const toolResultBlock = z.object({
  type: z.literal("tool_result"),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(z.discriminatedUnion("type", [textBlock, imageBlock]))]).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControl,
});

const thinkingBlock = z.object({ type: z.literal("thinking"), thinking: z.string(), signature: z.string() });
const redactedThinkingBlock = z.object({ type: z.literal("redacted_thinking"), data: z.string() });

const contentBlock = z.discriminatedUnion("type", [
  textBlock,
  imageBlock,
  toolUseBlock,
  toolResultBlock,
  thinkingBlock,
  redactedThinkingBlock,
]);

export const messageParamSchema = z.object({
  role: z.enum(["user", "assistant"]),
  content: z.union([z.string(), z.array(contentBlock)]),
});

const toolSchema = z.object({
  type: z.literal("custom", { message: "only custom tools (name, description, input_schema) are supported" }).optional(),
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,128}$/, "must be 1-128 letters, digits, _ or -"),
  description: z.string().optional(),
  input_schema: z.record(z.string(), z.unknown()),
  cache_control: cacheControl,
});

const toolChoiceSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("auto"), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal("any"), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal("tool"), name: z.string().min(1), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal("none") }),
]);

const systemSchema = z.union([z.string(), z.array(textBlock)]);

const common = {
  model: z.string().min(1),
  messages: z.array(messageParamSchema).min(1),
  system: systemSchema.optional(),
  tools: z.array(toolSchema).optional(),
  tool_choice: toolChoiceSchema.optional(),
  thinking: z.object({ type: z.enum(["enabled", "disabled", "adaptive"]), budget_tokens: z.number().int().positive().optional() }).optional(),
};

export const messagesRequestSchema = z.object({
  ...common,
  max_tokens: z.number().int().positive(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  stop_sequences: z.array(z.string()).optional(),
  stream: z.boolean().optional(),
  metadata: z.object({ user_id: z.string().nullish() }).optional(),
  /** Structured output: the answer is JSON matching the schema. */
  output_format: z.object({ type: z.literal("json_schema"), schema: z.record(z.string(), z.unknown()) }).optional(),
});

export const countTokensRequestSchema = z.object(common);

export type MessagesRequest = z.infer<typeof messagesRequestSchema>;
export type CountTokensRequest = z.infer<typeof countTokensRequestSchema>;
export type MessageParam = z.infer<typeof messageParamSchema>;
export type ContentBlockParam = z.infer<typeof contentBlock>;
