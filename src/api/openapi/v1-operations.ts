import { z } from "zod";
import { countTokensRequestSchema, messagesRequestSchema } from "../anthropic/schema.js";
import { usageQuerySchema } from "../admin/schemas.js";
import { completionRequestSchema } from "../openai/completions.js";
import { embeddingRequestSchema } from "../openai/embeddings.js";
import { chatCompletionRequestSchema } from "../openai/schema.js";
import { listQuerySchema } from "../../customization/files/routes.js";
import { createJobSchema, pageSchema } from "../../customization/fine-tuning/routes.js";
import { addDocumentSchema, createBaseSchema, searchSchema } from "../../knowledge/spec.js";
import { feedbackBodySchema } from "../../routing/feedback/feedback-route.js";
import { createBatchSchema } from "../../batches/batch-service.js";
import { batchListQuerySchema } from "../../batches/routes.js";
import { inputItemsQuerySchema, retrieveQuerySchema } from "../../responses/routes.js";
import { responseCreateSchema } from "../../responses/schema.js";
import { named, type Operation } from "./operation.js";
import * as out from "./v1-responses.js";

const ok = (description: string, schema: ReturnType<typeof named>) => ({ 200: { description, schema } });

/** A multipart upload as OpenAI's `POST /v1/files` takes it. */
const fileUpload = z.object({ purpose: z.string().describe("fine-tune, or any purpose string"), file: z.string().describe("the file's bytes (JSONL for fine-tuning)") });

/** The public `/v1` API: OpenAI- and Anthropic-compatible endpoints plus Switchyard's own. */
export const v1Operations: Operation[] = [
  {
    method: "post",
    path: "/v1/chat/completions",
    tag: "OpenAI-compatible",
    summary: "Chat completion, JSON or streamed (`stream: true`) as server-sent events",
    auth: "key",
    body: named("ChatCompletionRequest", chatCompletionRequestSchema),
    responses: { 200: { description: "The completion", schema: named("ChatCompletion", out.chatCompletionSchema), stream: named("ChatCompletionChunk", out.chatCompletionChunkSchema) } },
  },
  {
    method: "post",
    path: "/v1/completions",
    tag: "OpenAI-compatible",
    summary: "Plain-text completion (base models)",
    auth: "key",
    body: named("CompletionRequest", completionRequestSchema),
    responses: { 200: { description: "The completion", schema: named("TextCompletion", out.textCompletionSchema), stream: named("TextCompletionChunk", out.textCompletionSchema) } },
  },
  {
    method: "post",
    path: "/v1/embeddings",
    tag: "OpenAI-compatible",
    summary: "Embeddings",
    auth: "key",
    body: named("EmbeddingRequest", embeddingRequestSchema),
    responses: ok("The vectors, in input order", named("EmbeddingList", out.embeddingListSchema)),
  },
  {
    method: "post",
    path: "/v1/responses",
    tag: "OpenAI-compatible",
    summary: "Responses API, JSON or streamed; stored responses chain with previous_response_id",
    auth: "key",
    body: named("ResponseCreateRequest", responseCreateSchema),
    responses: { 200: { description: "The response", schema: named("Response", out.responseObjectSchema) } },
  },
  {
    method: "get",
    path: "/v1/responses/:id",
    tag: "OpenAI-compatible",
    summary: "A stored response; `stream=true` replays it as its event stream",
    auth: "key",
    query: retrieveQuerySchema,
    responses: ok("The response", named("Response", out.responseObjectSchema)),
  },
  { method: "delete", path: "/v1/responses/:id", tag: "OpenAI-compatible", summary: "Delete a stored response", auth: "key", responses: ok("Deleted", named("Deleted", out.deletedSchema)) },
  { method: "get", path: "/v1/responses/:id/input_items", tag: "OpenAI-compatible", summary: "A stored response's input items", auth: "key", query: inputItemsQuerySchema, responses: ok("Items", named("InputItemList", out.inputItemListSchema)) },
  { method: "get", path: "/v1/providers", tag: "Operations", summary: "Providers this gateway has and how hosted ones are added (master key)", auth: "master", responses: ok("Providers", named("ProviderList", out.providerListSchema)) },
  { method: "get", path: "/v1/models", tag: "OpenAI-compatible", summary: "The model catalog", auth: "key", responses: ok("Every model this key may call", named("ModelList", out.modelListSchema)) },
  { method: "get", path: "/v1/models/:id", tag: "OpenAI-compatible", summary: "One model", auth: "key", responses: ok("The model", named("Model", out.modelSchema)) },
  {
    method: "post",
    path: "/v1/messages",
    tag: "Anthropic-compatible",
    summary: "Anthropic Messages API, JSON or streamed in Anthropic's event order",
    auth: "key",
    body: named("MessagesRequest", messagesRequestSchema),
    responses: { 200: { description: "The message", schema: named("AnthropicMessage", out.anthropicMessageSchema) } },
  },
  {
    method: "post",
    path: "/v1/messages/count_tokens",
    tag: "Anthropic-compatible",
    summary: "Count the input tokens of a Messages request",
    auth: "key",
    body: named("CountTokensRequest", countTokensRequestSchema),
    responses: ok("The count", named("CountTokens", out.countTokensSchema)),
  },
  { method: "get", path: "/v1/usage", tag: "Usage", summary: "Usage grouped (this key's project)", auth: "key", query: usageQuerySchema, responses: ok("Groups", named("UsageGroupList", out.usageGroupListSchema)) },
  { method: "get", path: "/v1/usage/records", tag: "Usage", summary: "Newest usage rows (this key's project)", auth: "key", query: usageQuerySchema, responses: ok("Rows", named("UsageRecordList", out.usageRecordListSchema)) },
  {
    method: "post",
    path: "/v1/files",
    tag: "Files and fine-tuning",
    summary: "Upload a file (multipart/form-data); datasets are validated",
    auth: "key",
    body: { ...named("FileUpload", fileUpload), contentType: "multipart/form-data" },
    responses: ok("The file", named("File", out.fileSchema)),
  },
  { method: "get", path: "/v1/files", tag: "Files and fine-tuning", summary: "List files", auth: "key", query: listQuerySchema, responses: ok("Files", named("FileList", out.fileListSchema)) },
  { method: "get", path: "/v1/files/:id", tag: "Files and fine-tuning", summary: "One file", auth: "key", responses: ok("The file", named("File", out.fileSchema)) },
  { method: "delete", path: "/v1/files/:id", tag: "Files and fine-tuning", summary: "Delete a file", auth: "key", responses: ok("Deleted", named("Deleted", out.deletedSchema)) },
  { method: "get", path: "/v1/files/:id/content", tag: "Files and fine-tuning", summary: "A file's bytes", auth: "key", responses: { 200: { description: "The content", contentType: "application/octet-stream" } } },
  {
    method: "post",
    path: "/v1/fine_tuning/jobs",
    tag: "Files and fine-tuning",
    summary: "Start a fine-tuning job",
    auth: "key",
    body: named("FineTuningJobRequest", createJobSchema),
    responses: ok("The job", named("FineTuningJob", out.fineTuningJobSchema)),
  },
  {
    method: "post",
    path: "/v1/fine_tuning/estimates",
    tag: "Files and fine-tuning",
    summary: "What a job would train, cost and take (the job request's body; nothing is created)",
    auth: "key",
    body: named("FineTuningJobRequest", createJobSchema),
    responses: ok("The estimate", named("FineTuningEstimate", out.fineTuningEstimateSchema)),
  },
  { method: "get", path: "/v1/fine_tuning/jobs", tag: "Files and fine-tuning", summary: "List jobs", auth: "key", query: pageSchema, responses: ok("Jobs", named("FineTuningJobList", out.fineTuningJobListSchema)) },
  { method: "get", path: "/v1/fine_tuning/jobs/:id", tag: "Files and fine-tuning", summary: "One job", auth: "key", responses: ok("The job", named("FineTuningJob", out.fineTuningJobSchema)) },
  { method: "post", path: "/v1/fine_tuning/jobs/:id/cancel", tag: "Files and fine-tuning", summary: "Cancel a job", auth: "key", responses: ok("The job", named("FineTuningJob", out.fineTuningJobSchema)) },
  { method: "get", path: "/v1/fine_tuning/jobs/:id/events", tag: "Files and fine-tuning", summary: "A job's events", auth: "key", query: pageSchema, responses: ok("Events", named("FineTuningEventList", out.fineTuningEventListSchema)) },
  { method: "get", path: "/v1/fine_tuning/jobs/:id/checkpoints", tag: "Files and fine-tuning", summary: "A job's checkpoints", auth: "key", query: pageSchema, responses: ok("Checkpoints", named("FineTuningCheckpointList", out.fineTuningCheckpointListSchema)) },
  {
    method: "post",
    path: "/v1/feedback",
    tag: "Routing",
    summary: "Rate an answer, by its x-request-id, for retraining the router",
    auth: "key",
    body: named("FeedbackRequest", feedbackBodySchema),
    responses: ok("Stored", named("Feedback", out.feedbackSchema)),
  },
  { method: "post", path: "/v1/knowledge_bases", tag: "Knowledge bases", summary: "Create a knowledge base", auth: "key", body: named("KnowledgeBaseRequest", createBaseSchema), responses: ok("Created", named("KnowledgeBase", out.knowledgeBaseSchema)) },
  { method: "get", path: "/v1/knowledge_bases", tag: "Knowledge bases", summary: "List knowledge bases", auth: "key", responses: ok("Bases", named("KnowledgeBaseList", out.knowledgeBaseListSchema)) },
  { method: "get", path: "/v1/knowledge_bases/:id", tag: "Knowledge bases", summary: "One knowledge base", auth: "key", responses: ok("The base", named("KnowledgeBase", out.knowledgeBaseSchema)) },
  { method: "delete", path: "/v1/knowledge_bases/:id", tag: "Knowledge bases", summary: "Delete a knowledge base", auth: "key", responses: ok("Deleted", named("Deleted", out.deletedSchema)) },
  {
    method: "post",
    path: "/v1/knowledge_bases/:id/documents",
    tag: "Knowledge bases",
    summary: "Add a document (text or an uploaded file)",
    auth: "key",
    body: named("KnowledgeDocumentRequest", addDocumentSchema),
    responses: ok("Added", named("KnowledgeDocument", out.knowledgeDocumentSchema)),
  },
  { method: "get", path: "/v1/knowledge_bases/:id/documents", tag: "Knowledge bases", summary: "List documents", auth: "key", responses: ok("Documents", named("KnowledgeDocumentList", out.knowledgeDocumentListSchema)) },
  { method: "delete", path: "/v1/knowledge_bases/:id/documents/:documentId", tag: "Knowledge bases", summary: "Delete a document", auth: "key", responses: ok("Deleted", named("Deleted", out.deletedSchema)) },
  {
    method: "post",
    path: "/v1/knowledge_bases/:id/search",
    tag: "Knowledge bases",
    summary: "Search a knowledge base",
    auth: "key",
    body: named("KnowledgeSearchRequest", searchSchema),
    responses: ok("Hits, best first", named("KnowledgeSearch", out.knowledgeSearchSchema)),
  },
  { method: "post", path: "/v1/batches", tag: "Batches", summary: "Start a batch from an uploaded JSONL file", auth: "key", body: named("BatchRequest", createBatchSchema), responses: ok("The batch", named("Batch", out.batchSchema)) },
  { method: "get", path: "/v1/batches", tag: "Batches", summary: "List batches", auth: "key", query: batchListQuerySchema, responses: ok("Batches", named("BatchList", out.batchListSchema)) },
  { method: "get", path: "/v1/batches/:id", tag: "Batches", summary: "One batch", auth: "key", responses: ok("The batch", named("Batch", out.batchSchema)) },
  { method: "post", path: "/v1/batches/:id/cancel", tag: "Batches", summary: "Cancel a batch", auth: "key", responses: ok("The batch", named("Batch", out.batchSchema)) },
  { method: "get", path: "/health", tag: "Operations", summary: "Liveness", auth: "none", responses: ok("Alive", named("Health", out.healthSchema)) },
  { method: "get", path: "/metrics", tag: "Operations", summary: "Prometheus metrics", auth: "none", responses: { 200: { description: "Prometheus text format", contentType: "text/plain" } } },
];
