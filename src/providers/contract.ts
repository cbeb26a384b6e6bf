import type { z } from "zod";
import type {
  ChatRequest,
  CompletionRequest,
  EmbeddingRequest,
  EmbeddingResponse,
  StreamPart,
} from "../core/types.js";
import type { Logger } from "../observability/logger.js";
import type { ModelHubSettings } from "../models/hub-settings.js";
import type { UpstreamCall } from "./shared/dispatch.js";
import type { HotChatRequest } from "./openai-compatible/hot-request-body.js";

/**
 * The provider contract, version 1. Everything a provider does fits behind it.
 *
 * `stream` resolves once the upstream has accepted the request (2xx and headers), and rejects
 * with a SwitchyardError otherwise, so the router can fall back before any byte reaches the client.
 * Failures after that are yielded as `error` parts (never thrown from the iterator).
 */
export interface ProviderAdapter {
  readonly specificationVersion: "v1";
  /** The configured provider name (e.g. `openai`, `local-vllm`). */
  readonly name: string;
  /** The provider family (e.g. `openai`, `anthropic`). */
  readonly type: string;
  /** True for providers that keep data on this machine (guardrails may exempt them). */
  readonly local?: boolean;
  stream(request: ChatRequest, options: CallOptions): Promise<AsyncIterable<StreamPart>>;
  complete?(request: CompletionRequest, options: CallOptions): Promise<AsyncIterable<StreamPart>>;
  embed?(request: EmbeddingRequest, options: CallOptions): Promise<EmbeddingResponse>;
  /** The provider's own batch API (OpenAI's Batch API), used for its batch discount. */
  readonly batches?: NativeBatchApi;
  /** Upstream model ids this provider offers without a config entry, when it can tell. */
  listModels?(): Promise<string[]>;
  /** Whether a model can answer yet (a local model still downloading says how far it is); undefined when the provider cannot tell. */
  modelStatus?(model: string): ModelStatus | undefined;
  close?(): Promise<void>;
  /**
   * Present when the upstream speaks OpenAI's chat-completions wire (the openai-compatible family):
   * the pieces `stream` is made of, so the OpenAI edge's fast path (`src/api/fast/`) can read the
   * upstream response itself, without a generator per layer, and still translate it with the same code.
   */
  readonly openaiChat?: OpenaiChatWire;
}

export interface OpenaiChatWire {
  /**
   * The upstream request `stream` would send (URL, headers, body), for the fast path to dispatch
   * itself (`dispatchUpstream`): its bytes arrive as the socket delivers them, with no stream object.
   */
  call(request: ChatRequest, stream: boolean): UpstreamCall;
  /**
   * The same for a request of the fast path's hot shape, its body written from the inbound object
   * (`hotRequestBody`: the bytes `call` sends for its canonical form) for the upstream `model`.
   */
  callHot(request: HotChatRequest, model: string, stream: boolean): UpstreamCall;
  /** A whole non-streamed response body -> parts; throws a SwitchyardError when it is unreadable. */
  completionParts(text: string): Iterable<StreamPart>;
  /** Longest non-streamed response body read. */
  readonly maxResponseBytes: number;
}

/** A batch as the provider's batch API reports it. */
export interface NativeBatch {
  id: string;
  status: string;
  outputFileId?: string | null;
  errorFileId?: string | null;
}

/** OpenAI's Files + Batch APIs, as much of them as a delegated batch needs. */
export interface NativeBatchApi {
  uploadFile(content: Uint8Array, filename: string, signal: AbortSignal): Promise<string>;
  createBatch(input: { inputFileId: string; endpoint: string; metadata?: Record<string, string> }, signal: AbortSignal): Promise<NativeBatch>;
  retrieveBatch(id: string, signal: AbortSignal): Promise<NativeBatch>;
  cancelBatch(id: string, signal: AbortSignal): Promise<NativeBatch>;
  fileContent(id: string, signal: AbortSignal): Promise<string>;
}

export interface CallOptions {
  signal: AbortSignal;
  requestId: string;
  /** Total time budget for this attempt in ms. */
  timeoutMs?: number;
  /** Whether the client streams. Providers may call a non-streaming upstream endpoint when false. */
  stream?: boolean;
}

export interface ProviderContext {
  logger: Logger;
  /** Resolves `env:NAME` credentials; returns undefined for `none` or absent. */
  resolveSecret(reference: string | undefined): string | undefined;
  /** The data directory (models, files). */
  dataDir: string;
  /** Where local models are downloaded from, and whether missing ones are fetched at start. */
  modelHub?: ModelHubSettings;
}

/** `GET /v1/models/{id}`'s `status`: snake_case, as it goes out on the wire. */
export interface ModelStatus {
  state: "ready" | "queued" | "downloading" | "missing" | "offline" | "failed";
  /** For a download: bytes so far and in all (when the hub says). */
  downloaded_bytes?: number;
  total_bytes?: number;
  /** 0..1, when the total is known. */
  progress?: number;
  source?: string;
  /** What to do next, in words. */
  message?: string;
}

/**
 * A provider family: its config schema (strict, validated at load) and a factory.
 * Add a family by adding one of these to `providers/registry.ts`.
 */
export interface ProviderDefinition<Schema extends z.ZodType = z.ZodType> {
  type: string;
  configSchema: Schema;
  create(name: string, config: z.infer<Schema>, context: ProviderContext): ProviderAdapter;
}

export function defineProvider<Schema extends z.ZodType>(
  definition: ProviderDefinition<Schema>,
): ProviderDefinition<Schema> {
  return definition;
}
