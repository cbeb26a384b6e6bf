/**
 * The canonical model every edge translates into and every provider translates out of.
 * It is deliberately not any provider's wire JSON: each wire format is a lossy view of it.
 */

export type JsonSchema = Record<string, unknown>;

export interface TextPart {
  type: "text";
  text: string;
}

export type ImageSource =
  | { kind: "url"; url: string }
  | { kind: "base64"; mediaType: string; data: string };

export interface ImagePart {
  type: "image";
  source: ImageSource;
  detail?: "auto" | "low" | "high";
}

export interface ToolCallPart {
  type: "tool-call";
  id: string;
  name: string;
  /** The arguments as JSON text, exactly as the model produced them. */
  arguments: string;
}

export interface ToolResultPart {
  type: "tool-result";
  toolCallId: string;
  /** Name of the tool, when the client supplied it (some providers need it). */
  name?: string;
  content: Array<TextPart | ImagePart>;
  isError?: boolean;
}

export interface ReasoningPart {
  type: "reasoning";
  text: string;
  /** Opaque provider signature that must be sent back unchanged on the next turn. */
  signature?: string;
}

export type UserContentPart = TextPart | ImagePart;
export type AssistantContentPart = TextPart | ToolCallPart | ReasoningPart;

export interface SystemMessage {
  role: "system";
  content: TextPart[];
}

export interface UserMessage {
  role: "user";
  content: UserContentPart[];
  name?: string;
}

export interface AssistantMessage {
  role: "assistant";
  content: AssistantContentPart[];
}

export interface ToolMessage {
  role: "tool";
  content: ToolResultPart[];
}

export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

export interface ToolDefinition {
  name: string;
  description?: string;
  parameters: JsonSchema;
  strict?: boolean;
}

export type ToolChoice =
  | { type: "auto" }
  | { type: "none" }
  | { type: "required" }
  | { type: "tool"; name: string };

export type ResponseFormat =
  | { type: "text" }
  | { type: "json"; schema?: JsonSchema; name?: string; description?: string; strict?: boolean };

export interface ChatRequest {
  /** Public model name at the edge; the upstream model name once a route is chosen. */
  model: string;
  messages: Message[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  responseFormat?: ResponseFormat;
  temperature?: number;
  topP?: number;
  topK?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  /** End-user id for abuse tracking upstream. */
  user?: string;
  /** Per-provider passthrough options, keyed by provider type (e.g. `{ openai: { logprobs: true } }`). */
  providerOptions?: Record<string, Record<string, unknown>>;
}

/** Plain-text completion for base models (`/v1/completions`). */
export interface CompletionRequest {
  model: string;
  prompt: string;
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
  seed?: number;
  user?: string;
}

export interface EmbeddingRequest {
  model: string;
  input: string[];
  dimensions?: number;
  user?: string;
}

export interface EmbeddingResponse {
  model: string;
  embeddings: number[][];
  usage: Usage;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens served from the provider's prompt cache. Included in inputTokens. */
  cachedInputTokens?: number;
  /** Input tokens written to the provider's prompt cache. Included in inputTokens. */
  cacheWriteInputTokens?: number;
  /** Output tokens spent on reasoning. Included in outputTokens. */
  reasoningTokens?: number;
  /** True when counted locally because the provider reported none. */
  estimated?: boolean;
}

export type UnifiedFinishReason = "stop" | "length" | "tool-calls" | "content-filter" | "error" | "other";

export interface FinishReason {
  unified: UnifiedFinishReason;
  /** The provider's own value, kept for logs and passthrough. */
  raw?: string;
}

export interface Warning {
  type: "unsupported-setting" | "other";
  setting?: string;
  message: string;
}

export type StreamPart =
  | { type: "response-metadata"; id?: string; model?: string; created?: number }
  | { type: "text-delta"; text: string }
  | { type: "reasoning-delta"; text: string; signature?: string }
  | { type: "tool-call-start"; index: number; id: string; name: string }
  | { type: "tool-call-delta"; index: number; argumentsDelta: string }
  | { type: "tool-call-end"; index: number }
  | { type: "usage"; usage: Usage }
  | { type: "finish"; reason: FinishReason }
  | { type: "warning"; warning: Warning }
  | { type: "error"; error: unknown };

/** A whole response: what collecting a stream yields. */
export interface ChatResponse {
  id?: string;
  model?: string;
  created?: number;
  content: AssistantContentPart[];
  usage?: Usage;
  finishReason: FinishReason;
  warnings: Warning[];
}
