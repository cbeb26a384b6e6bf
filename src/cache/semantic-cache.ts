import type { EmbeddingRequest, EmbeddingResponse } from "../core/types.js";
import type { GatewayContext, Principal } from "../gateway/context.js";
import type { Logger } from "../observability/logger.js";
import type { SemanticCacheConfig } from "./config-schema.js";
import { semanticQuery, type SemanticQuery } from "./semantic-key.js";
import { unitVector, type SemanticMatch, type SemanticStore } from "./semantic-store.js";
import type { CachedResponse } from "./store.js";

/** Embeddings through the gateway's own routing and call middleware (any provider that serves them). */
export type CacheEmbedder = (request: EmbeddingRequest, principal: Principal, signal: AbortSignal, requestId: string) => Promise<EmbeddingResponse>;

export interface SemanticCacheOptions {
  config: SemanticCacheConfig & { embedding_model: string };
  store: SemanticStore;
  embed: CacheEmbedder;
  logger: Logger;
  /** The cache's TTL, the default for semantic entries. */
  defaultTtlMs: number;
}

/**
 * The semantic layer of the response cache: embeds the last user turn, finds the closest stored
 * answer in the request's exact partition, and stores answers with their vectors. Nothing here
 * throws into the request: an embedding or store failure is a miss.
 */
export class SemanticCache {
  readonly threshold: number;
  private readonly ttlMs: number;
  private failing = false;

  constructor(private readonly options: SemanticCacheOptions) {
    this.threshold = options.config.threshold;
    this.ttlMs = (options.config.ttl_seconds ?? 0) * 1000 || options.defaultTtlMs;
  }

  get store(): SemanticStore {
    return this.options.store;
  }

  /** The partition and text for a request, or undefined when it is left to the exact cache. */
  query(context: GatewayContext, scope: string): SemanticQuery | undefined {
    const { config } = this.options;
    return semanticQuery(context.request, scope, `${config.embedding_model}\u0000${config.dimensions ?? ""}`, config.max_input_chars);
  }

  /** The unit vector of the query's text; undefined when the embedding call failed. */
  async embed(query: SemanticQuery, context: GatewayContext): Promise<Float32Array | undefined> {
    const { config } = this.options;
    const request: EmbeddingRequest = { model: config.embedding_model, input: [query.text], ...(config.dimensions ? { dimensions: config.dimensions } : {}) };
    try {
      // The administrator chose the embedding model: the caller's model allow-list does not gate it.
      const principal = { ...context.principal, allowedModels: undefined };
      const signal = AbortSignal.any([context.signal, AbortSignal.timeout(config.timeout_ms)]);
      const response = await untilAborted(this.options.embed(request, principal, signal, context.requestId), signal);
      const vector = unitVector(response.embeddings[0] ?? []);
      if (vector.length === 0 || vector.some((value) => !Number.isFinite(value))) throw new Error(`the model '${config.embedding_model}' returned an empty or invalid vector`);
      if (this.failing) this.options.logger.info({ model: config.embedding_model }, "semantic cache: embeddings work again");
      this.failing = false;
      return vector;
    } catch (error) {
      if (context.signal.aborted) return undefined;
      // One warning per outage, not one per request.
      const level = this.failing ? "debug" : "warn";
      this.failing = true;
      this.options.logger[level]({ err: error, model: config.embedding_model, requestId: context.requestId }, "semantic cache: embedding failed; treating as a miss");
      return undefined;
    }
  }

  search(query: SemanticQuery, vector: Float32Array): Promise<SemanticMatch | undefined> {
    return this.options.store.search(query.partition, vector, this.threshold);
  }

  async remember(query: SemanticQuery, id: string, vector: Float32Array, value: CachedResponse, ttlMs: number): Promise<void> {
    await this.options.store.add(query.partition, id, vector, value, Math.min(ttlMs, this.ttlMs));
  }

  close(): Promise<void> {
    return this.options.store.close();
  }
}

/** Settles with `work`, or rejects as soon as `signal` aborts, for providers that finish their call regardless. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  work.catch(() => undefined);
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener("abort", abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}
