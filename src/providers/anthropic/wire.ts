import { z } from "zod";

/** Only the fields Switchyard reads from Anthropic Messages API responses, leniently. */

export const usageSchema = z.object({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
});

const contentBlockSchema = z.object({
  type: z.string(),
  text: z.string().nullish(),
  thinking: z.string().nullish(),
  signature: z.string().nullish(),
  id: z.string().nullish(),
  name: z.string().nullish(),
  input: z.unknown().optional(),
});

export const messageSchema = z.object({
  id: z.string().nullish(),
  model: z.string().nullish(),
  content: z.array(contentBlockSchema),
  stop_reason: z.string().nullish(),
  stop_sequence: z.string().nullish(),
  usage: usageSchema.nullish(),
});

const deltaSchema = z.object({
  type: z.string().nullish(),
  text: z.string().nullish(),
  thinking: z.string().nullish(),
  signature: z.string().nullish(),
  partial_json: z.string().nullish(),
  stop_reason: z.string().nullish(),
  stop_sequence: z.string().nullish(),
});

export const errorBodySchema = z.object({
  type: z.literal("error").nullish(),
  error: z.object({ type: z.string().nullish(), message: z.string().nullish() }).nullish(),
});

/** Every streamed event, one loose shape: which fields matter depends on `type`. */
export const streamEventSchema = z.object({
  type: z.string(),
  index: z.number().nullish(),
  message: z
    .object({ id: z.string().nullish(), model: z.string().nullish(), usage: usageSchema.nullish() })
    .nullish(),
  content_block: contentBlockSchema.nullish(),
  delta: deltaSchema.nullish(),
  usage: usageSchema.nullish(),
  error: errorBodySchema.shape.error,
});

export type AnthropicUsage = z.infer<typeof usageSchema>;
export type AnthropicMessage = z.infer<typeof messageSchema>;
export type AnthropicStreamEvent = z.infer<typeof streamEventSchema>;
