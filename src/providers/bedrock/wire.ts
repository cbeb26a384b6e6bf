import { z } from "zod";

/** Only the fields Switchyard reads from Bedrock Converse responses and stream events, leniently. */

export const usageSchema = z.object({
  inputTokens: z.number().nullish(),
  outputTokens: z.number().nullish(),
  cacheReadInputTokens: z.number().nullish(),
  cacheWriteInputTokens: z.number().nullish(),
});

const contentBlockSchema = z.object({
  text: z.string().nullish(),
  toolUse: z.object({ toolUseId: z.string(), name: z.string(), input: z.unknown() }).nullish(),
  reasoningContent: z
    .object({ reasoningText: z.object({ text: z.string().nullish(), signature: z.string().nullish() }).nullish() })
    .nullish(),
});

export const converseResponseSchema = z.object({
  output: z.object({ message: z.object({ content: z.array(contentBlockSchema).nullish() }).nullish() }).nullish(),
  stopReason: z.string().nullish(),
  usage: usageSchema.nullish(),
});

export const contentBlockStartSchema = z.object({
  contentBlockIndex: z.number(),
  start: z.object({ toolUse: z.object({ toolUseId: z.string(), name: z.string() }).nullish() }).nullish(),
});

export const contentBlockDeltaSchema = z.object({
  contentBlockIndex: z.number(),
  delta: z.object({
    text: z.string().nullish(),
    toolUse: z.object({ input: z.string().nullish() }).nullish(),
    reasoningContent: z.object({ text: z.string().nullish(), signature: z.string().nullish() }).nullish(),
  }),
});

export const contentBlockStopSchema = z.object({ contentBlockIndex: z.number() });
export const messageStopSchema = z.object({ stopReason: z.string().nullish() });
export const metadataSchema = z.object({ usage: usageSchema.nullish() });
export const exceptionSchema = z.object({ message: z.string().nullish(), Message: z.string().nullish() });

export const titanEmbeddingSchema = z.object({ embedding: z.array(z.number()), inputTextTokenCount: z.number().nullish() });
export const cohereEmbeddingSchema = z.object({
  embeddings: z.union([z.array(z.array(z.number())), z.object({ float: z.array(z.array(z.number())) })]),
});

export type BedrockUsage = z.infer<typeof usageSchema>;
export type ConverseResponse = z.infer<typeof converseResponseSchema>;
