import { z } from "zod";

const common = {
  base_url: z.string().url().optional(),
  api_key: z.string().optional().describe("A credential location: env:NAME, or none"),
  headers: z.record(z.string(), z.string()).optional(),
  /** Longest wait for the upstream's response headers (ms); a timeout falls back like a 5xx. */
  timeout_ms: z.number().int().positive().optional(),
  /** Which field carries the output-token limit upstream; older compatible servers only know max_tokens. */
  max_tokens_field: z.enum(["max_tokens", "max_completion_tokens"]).optional(),
  /** Models listed for this provider in /v1/models without a `models` entry. */
  models: z.array(z.string()).optional(),
};

export const openaiConfigSchema = z
  .object({
    type: z.literal("openai"),
    ...common,
    /** True for a server on this machine or the operator's own hardware (vLLM, Ollama, llama.cpp): data sent to it stays here. */
    local: z.boolean().optional(),
    /** The server has OpenAI's Files and Batch APIs; default: true for OpenAI itself. Batches are then delegated to it. */
    native_batches: z.boolean().optional(),
  })
  .strict();

export const azureOpenaiConfigSchema = z
  .object({
    type: z.literal("azure-openai"),
    ...common,
    base_url: z.string().url(),
    api_version: z.string().default("2024-10-21"),
  })
  .strict();

export type OpenaiConfig = z.infer<typeof openaiConfigSchema>;
export type AzureOpenaiConfig = z.infer<typeof azureOpenaiConfigSchema>;
