import { z } from "zod";

/**
 * Mistral's responses are OpenAI-shaped except that `content` may be a list of chunks
 * (`text`, and `thinking` for reasoning models). Only those fields are read here; the rest
 * goes through the OpenAI-compatible schemas.
 */
const textChunk = z.object({ type: z.literal("text"), text: z.string() });
const thinkingChunk = z.object({
  type: z.literal("thinking"),
  thinking: z.array(z.object({ type: z.string().nullish(), text: z.string().nullish() })).nullish(),
});
export const contentChunksSchema = z.array(z.union([textChunk, thinkingChunk, z.object({ type: z.string() })]));

export const mistralErrorSchema = z.object({
  message: z.union([z.string(), z.object({ detail: z.array(z.object({ msg: z.string().nullish(), loc: z.array(z.unknown()).nullish() })).nullish() })]).nullish(),
  detail: z.array(z.object({ msg: z.string().nullish(), loc: z.array(z.unknown()).nullish() })).nullish(),
});
