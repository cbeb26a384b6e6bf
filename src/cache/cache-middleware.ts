import type { StreamPart } from "../core/types.js";
import type { GatewayContext } from "../gateway/context.js";
import type { ChatMiddleware, ChatResult } from "../gateway/pipeline.js";
import { collectStream } from "../gateway/collect.js";
import type { Logger } from "../observability/logger.js";
import { cacheKey } from "./cache-key.js";
import type { CacheConfig } from "./config-schema.js";
import { cachePolicy } from "./policy.js";
import { replayParts, responseToParts } from "./replay.js";
import type { SemanticCache } from "./semantic-cache.js";
import type { CachedResponse, CacheStore } from "./store.js";
import { setState } from "../gateway/state.js";
import { cacheHitKey } from "./cache-hit.js";

export type CacheLookupResult = "hit" | "semantic_hit" | "miss" | "bypass";

export interface CacheMiddlewareOptions {
  config: CacheConfig;
  store: CacheStore;
  logger: Logger;
  /** The embedding-similarity layer, consulted after an exact miss. */
  semantic?: SemanticCache;
  /** Called once per request with what the cache did (for /metrics). */
  onLookup?: (result: CacheLookupResult) => void;
}

export const CACHE_HEADER = "x-switchyard-cache";

/**
 * Exact-match response cache, with an optional semantic layer behind it. A hit answers without
 * calling any provider, marks the response (`x-switchyard-cache: hit | semantic-hit`,
 * `x-switchyard-cache-age`) and sets `cacheHitKey` so metering charges no upstream cost. A
 * miss passes the stream through untouched and stores it once it completes without error; an
 * aborted or failed stream is never stored.
 */
export function createCacheMiddleware(options: CacheMiddlewareOptions): ChatMiddleware {
  const { config, store, logger, semantic, onLookup } = options;
  return {
    name: "cache",
    async handle(context, next) {
      const policy = cachePolicy(context, config);
      if (!policy.read && !policy.write) {
        onLookup?.("bypass");
        return next(context);
      }
      const scope = config.shared_across_projects ? "" : (context.principal.projectId ?? "");
      const key = cacheKey(context.request, scope);
      const query = semantic?.query(context, scope);
      let vector: Promise<Float32Array | undefined> | undefined;
      if (policy.read) {
        const cached = await store.get(key);
        if (cached) {
          onLookup?.("hit");
          return serveHit(context, cached, "hit");
        }
        if (semantic && query) {
          vector = semantic.embed(query, context);
          const found = await vector;
          const match = found && (await semantic.search(query, found));
          if (match) {
            onLookup?.("semantic_hit");
            context.responseHeaders[`${CACHE_HEADER}-similarity`] = match.similarity.toFixed(4);
            return serveHit(context, match.value, "semantic-hit");
          }
        }
      }
      onLookup?.(policy.read ? "miss" : "bypass");
      context.responseHeaders[CACHE_HEADER] = policy.read ? "miss" : "refresh";
      // A refresh embeds alongside the upstream call; the vector is only needed to store the answer.
      if (semantic && query && policy.write) vector ??= semantic.embed(query, context);
      const result = await next(context);
      if (!policy.write) return result;
      return { stream: storeWhenComplete(result.stream, save) };

      async function save(parts: StreamPart[]): Promise<void> {
        try {
          const response = await collectStream(replayParts(parts));
          if (response.finishReason.unified === "error") return;
          const entry: CachedResponse = { response, storedAt: Date.now(), route: context.route };
          await store.set(key, entry, policy.ttlMs);
          const found = await vector;
          if (semantic && query && found) await semantic.remember(query, key, found, entry, policy.ttlMs);
        } catch (error) {
          logger.debug({ err: error, requestId: context.requestId }, "response cache: not stored");
        }
      }
    },
  };
}

function serveHit(context: GatewayContext, cached: CachedResponse, kind: "hit" | "semantic-hit"): ChatResult {
  setState(context, cacheHitKey, true);
  context.route ??= cached.route;
  context.responseHeaders[CACHE_HEADER] = kind;
  context.responseHeaders[`${CACHE_HEADER}-age`] = String(Math.max(0, Math.floor((Date.now() - cached.storedAt) / 1000)));
  return { stream: replayParts(responseToParts(cached.response)) };
}

async function* storeWhenComplete(
  stream: AsyncIterable<StreamPart>,
  save: (parts: StreamPart[]) => Promise<void>,
): AsyncGenerator<StreamPart> {
  const parts: StreamPart[] = [];
  let failed = false;
  for await (const part of stream) {
    if (part.type === "error") failed = true;
    else if (part.type !== "warning") parts.push(part);
    yield part;
  }
  // Only reached when the consumer read to the end: an aborted client never stores a partial answer.
  if (!failed) void save(parts);
}
