import { z } from "zod";

/**
 * The bodies the public API answers with, as zod schemas: the OpenAPI document is generated from
 * them and test/api/openapi.test.ts validates real responses against it. Objects are open
 * (`looseObject`): a client must accept fields it does not know, so the schemas pin what each
 * answer always carries, not everything it may.
 */

const unix = z.number().int().nonnegative();

export const openaiErrorSchema = z.object({
  error: z.object({ message: z.string(), type: z.string(), param: z.string().nullable(), code: z.string().nullable() }),
});

export const anthropicErrorSchema = z.object({
  type: z.literal("error"),
  error: z.object({ type: z.string(), message: z.string() }),
});

const openaiUsage = z.looseObject({ prompt_tokens: z.number().int(), completion_tokens: z.number().int(), total_tokens: z.number().int() });

const toolCall = z.looseObject({
  id: z.string(),
  type: z.literal("function"),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

export const chatCompletionSchema = z.looseObject({
  id: z.string(),
  object: z.literal("chat.completion"),
  created: unix,
  model: z.string(),
  choices: z.array(
    z.looseObject({
      index: z.number().int(),
      message: z.looseObject({ role: z.literal("assistant"), content: z.string().nullable(), tool_calls: z.array(toolCall).optional() }),
      finish_reason: z.enum(["stop", "length", "tool_calls", "content_filter", "function_call"]).nullable(),
    }),
  ),
  usage: openaiUsage.optional(),
});

/** One `data:` payload of a streamed chat completion (`text/event-stream`, ended by `data: [DONE]`). */
export const chatCompletionChunkSchema = z.looseObject({
  id: z.string(),
  object: z.literal("chat.completion.chunk"),
  created: unix,
  model: z.string(),
  choices: z.array(z.looseObject({ index: z.number().int(), delta: z.looseObject({}), finish_reason: z.string().nullable() })),
  usage: openaiUsage.nullable().optional(),
});

export const textCompletionSchema = z.looseObject({
  id: z.string(),
  object: z.literal("text_completion"),
  created: unix,
  model: z.string(),
  choices: z.array(z.looseObject({ index: z.number().int(), text: z.string(), finish_reason: z.string().nullable() })),
  usage: openaiUsage.optional(),
});

export const embeddingListSchema = z.looseObject({
  object: z.literal("list"),
  model: z.string(),
  data: z.array(z.looseObject({ object: z.literal("embedding"), index: z.number().int(), embedding: z.union([z.array(z.number()), z.string()]) })),
  usage: z.looseObject({ prompt_tokens: z.number().int(), total_tokens: z.number().int() }),
});

/** A local model's readiness (`ProviderAdapter.modelStatus`): present while it downloads, or when it cannot. */
export const modelStatusSchema = z.object({
  state: z.enum(["ready", "queued", "downloading", "missing", "offline", "failed"]),
  downloaded_bytes: z.number().int().optional(),
  total_bytes: z.number().int().optional(),
  progress: z.number().min(0).max(1).optional(),
  source: z.string().optional(),
  message: z.string().optional().describe("what to do next, in words"),
});
export const modelSchema = z.looseObject({ id: z.string(), object: z.literal("model"), created: unix, owned_by: z.string(), status: modelStatusSchema.optional() });
export const modelListSchema = z.object({ object: z.literal("list"), data: z.array(modelSchema) });

const anthropicBlock = z.union([
  z.looseObject({ type: z.literal("text"), text: z.string() }),
  z.looseObject({ type: z.literal("tool_use"), id: z.string(), name: z.string(), input: z.record(z.string(), z.unknown()) }),
  z.looseObject({ type: z.literal("thinking"), thinking: z.string() }),
]);

export const anthropicMessageSchema = z.looseObject({
  id: z.string(),
  type: z.literal("message"),
  role: z.literal("assistant"),
  model: z.string(),
  content: z.array(anthropicBlock),
  stop_reason: z.enum(["end_turn", "max_tokens", "stop_sequence", "tool_use", "pause_turn", "refusal"]).nullable(),
  stop_sequence: z.string().nullable(),
  usage: z.looseObject({ input_tokens: z.number().int(), output_tokens: z.number().int() }),
});

export const countTokensSchema = z.object({ input_tokens: z.number().int().nonnegative() });

export const usageGroupSchema = z.looseObject({
  requests: z.number().int(),
  errors: z.number().int(),
  input_tokens: z.number().int(),
  output_tokens: z.number().int(),
  cached_input_tokens: z.number().int(),
  cost_usd: z.number(),
});
export const usageGroupListSchema = z.object({ object: z.literal("list"), data: z.array(usageGroupSchema) });

export const usageRecordSchema = z.looseObject({
  id: z.string(),
  object: z.literal("usage_record"),
  request_id: z.string(),
  created_at: z.number().int(),
  /** Null for calls made with the master key or without a key. */
  project_id: z.string().nullable(),
  key_id: z.string(),
  model: z.string(),
  provider: z.string().nullable(),
  status: z.string(),
  http_status: z.number().int(),
  error_code: z.string().nullable(),
  input_tokens: z.number().int(),
  output_tokens: z.number().int(),
  cost_usd: z.number(),
});
export const usageRecordListSchema = z.object({ object: z.literal("list"), data: z.array(usageRecordSchema) });

export const fileSchema = z.looseObject({
  id: z.string(),
  object: z.literal("file"),
  bytes: z.number().int(),
  created_at: unix,
  filename: z.string(),
  purpose: z.string(),
});
export const fileListSchema = z.looseObject({ object: z.literal("list"), data: z.array(fileSchema), has_more: z.boolean() });
export const deletedSchema = z.looseObject({ id: z.string(), object: z.string(), deleted: z.literal(true) });

export const fineTuningJobSchema = z.looseObject({
  id: z.string(),
  object: z.literal("fine_tuning.job"),
  created_at: unix,
  finished_at: unix.nullable(),
  model: z.string(),
  fine_tuned_model: z.string().nullable(),
  status: z.enum(["validating_files", "queued", "running", "succeeded", "failed", "cancelled"]),
  training_file: z.string(),
  validation_file: z.string().nullable(),
  trained_tokens: z.number().int().nullable(),
  error: z.looseObject({ code: z.string(), message: z.string() }).nullable(),
  backend: z.string(),
});
export const fineTuningEstimateSchema = z.looseObject({
  object: z.literal("fine_tuning.estimate"),
  model: z.string(),
  training_file: z.string(),
  backend: z.string(),
  hyperparameters: z.looseObject({ n_epochs: z.number().int(), learning_rate_multiplier: z.number(), batch_size: z.number().int() }),
  statistics: z.looseObject({ examples: z.number().int(), totalTokens: z.number().int(), meanTokensPerExample: z.number() }),
  trained_tokens: z.number().int(),
  cost_usd: z.number(),
  seconds: z.number(),
  tokens_per_second: z.number().optional(),
  speed_basis: z.enum(["configured", "model", "default"]).optional(),
});
export const fineTuningJobListSchema = z.looseObject({ object: z.literal("list"), data: z.array(fineTuningJobSchema), has_more: z.boolean() });
export const fineTuningEventListSchema = z.looseObject({
  object: z.literal("list"),
  data: z.array(z.looseObject({ id: z.string(), object: z.literal("fine_tuning.job.event"), created_at: unix, level: z.string(), message: z.string() })),
  has_more: z.boolean(),
});
export const fineTuningCheckpointListSchema = z.looseObject({
  object: z.literal("list"),
  data: z.array(z.looseObject({ id: z.string(), object: z.literal("fine_tuning.job.checkpoint"), fine_tuned_model_checkpoint: z.string(), step_number: z.number().int() })),
  has_more: z.boolean(),
});

export const feedbackSchema = z.object({ object: z.literal("feedback"), request_id: z.string(), score: z.number() });

const knowledgeBase = z.looseObject({ id: z.string(), object: z.literal("knowledge_base"), name: z.string() });
export const knowledgeBaseSchema = knowledgeBase;
export const knowledgeBaseListSchema = z.looseObject({ object: z.literal("list"), data: z.array(knowledgeBase) });
export const knowledgeDocumentSchema = z.looseObject({ id: z.string(), object: z.literal("knowledge_base.document") });
export const knowledgeDocumentListSchema = z.looseObject({ object: z.literal("list"), data: z.array(knowledgeDocumentSchema) });
export const knowledgeSearchSchema = z.looseObject({
  object: z.literal("list"),
  knowledge_base_id: z.string(),
  query: z.string(),
  data: z.array(z.looseObject({ object: z.literal("knowledge_base.search_result"), document_id: z.string(), score: z.number(), text: z.string() })),
});

export const healthSchema = z.object({ status: z.literal("ok") });

export const batchSchema = z.looseObject({
  id: z.string(),
  object: z.literal("batch"),
  endpoint: z.string(),
  input_file_id: z.string(),
  completion_window: z.string(),
  status: z.string(),
  output_file_id: z.string().nullable(),
  error_file_id: z.string().nullable(),
  created_at: unix,
  request_counts: z.looseObject({ total: z.number().int(), completed: z.number().int(), failed: z.number().int() }),
});
export const batchListSchema = z.looseObject({ object: z.literal("list"), data: z.array(batchSchema), has_more: z.boolean() });

export const responseObjectSchema = z.looseObject({
  id: z.string(),
  object: z.literal("response"),
  created_at: unix,
  status: z.string(),
  model: z.string(),
  output: z.array(z.looseObject({ type: z.string() })),
});
export const inputItemListSchema = z.looseObject({ object: z.literal("list"), data: z.array(z.looseObject({ id: z.string(), type: z.string() })), has_more: z.boolean() });

export const providerListSchema = z.looseObject({
  object: z.literal("list"),
  data: z.array(z.looseObject({ id: z.string(), object: z.literal("provider"), type: z.string(), local: z.boolean() })),
  credentials_api: z.boolean(),
});
