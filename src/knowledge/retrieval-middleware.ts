/**
 * Retrieval-augmented chat: when the request names knowledge bases (the `x-switchyard-knowledge-base`
 * header, scoped to the caller's project) or calls a deployment that has one, the chunks nearest
 * the last user message go in as a system block with numbered citations, and the client learns
 * which ones in the `x-switchyard-sources` header. It runs outside the deployments middleware, so
 * it still sees the deployment's name.
 */
import { SwitchyardError } from "../core/errors.js";
import type { GatewayContext, Principal } from "../gateway/context.js";
import type { ChatMiddleware } from "../gateway/pipeline.js";
import { contextBlock, insertContext, lastUserText, sourcesHeader } from "./context-block.js";
import type { KnowledgeService, SearchHit } from "./knowledge-service.js";
import type { KnowledgeBase } from "./knowledge-store.js";

export const KNOWLEDGE_BASE_HEADER = "x-switchyard-knowledge-base";
export const SOURCES_HEADER = "x-switchyard-sources";
export const DROPPED_HEADER = "x-switchyard-sources-dropped";
const MAX_BASES_PER_REQUEST = 4;

export interface RetrievalOptions {
  service: KnowledgeService;
  /**
   * The knowledge base an administrator attached to this public model name (a deployment the caller
   * may call), if any, and the project that owns the deployment (undefined: shared, from the config
   * file), whose bases are the only ones it may attach.
   */
  baseForModel?: (model: string, principal: Principal) => AttachedBase | undefined;
}

export interface AttachedBase {
  baseId: string;
  ownerProjectId?: string;
}

function requestedIds(header: string | string[] | undefined): string[] {
  if (header === undefined) return [];
  const ids = (Array.isArray(header) ? header.join(",") : header).split(",").map((id) => id.trim()).filter((id) => id.length > 0);
  if (ids.length > MAX_BASES_PER_REQUEST) {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `The ${KNOWLEDGE_BASE_HEADER} header names ${ids.length} knowledge bases; at most ${MAX_BASES_PER_REQUEST}.`);
  }
  return [...new Set(ids)];
}

async function basesFor(context: GatewayContext, options: RetrievalOptions): Promise<Array<{ base: KnowledgeBase; attached: boolean }>> {
  const { store } = options.service;
  const projectId = context.principal.projectId ?? "default";
  const bases = await Promise.all(requestedIds(context.headers?.[KNOWLEDGE_BASE_HEADER]).map(async (id) => ({ base: await store.getBase(id, projectId), attached: false })));
  const attached = options.baseForModel?.(context.request.model, context.principal);
  const attachedId = attached?.baseId;
  if (attached !== undefined && !bases.some(({ base }) => base.id === attachedId)) {
    // A project's deployment reaches only its own project's bases, whatever id its spec names.
    const base = await store.getBase(attached.baseId, attached.ownerProjectId).catch((error: unknown) => {
      if (error instanceof SwitchyardError && error.code === "SWY_ERR_NOT_FOUND") {
        throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `The deployment '${context.request.model}' names the knowledge base '${attachedId}', which does not exist.`, { param: "model" });
      }
      throw error;
    });
    bases.push({ base, attached: true });
  }
  return bases;
}

export function retrievalMiddleware(options: RetrievalOptions): ChatMiddleware {
  return {
    name: "knowledge",
    async handle(context, next) {
      if (context.headers?.[KNOWLEDGE_BASE_HEADER] === undefined && options.baseForModel?.(context.request.model, context.principal) === undefined) return next(context);
      const bases = await basesFor(context, options);
      const query = lastUserText(context.request.messages);
      if (bases.length === 0 || query === undefined) return next(context);
      const perBase = await Promise.all(
        bases.map(async ({ base, attached }) => {
          // An administrator attached this base to the deployment: the caller's model allow-list does not gate its embedding model.
          const principal = attached ? { ...context.principal, allowedModels: undefined } : context.principal;
          const hits = await options.service.search(base, query, { topK: base.settings.top_k, minScore: base.settings.min_score }, { principal, signal: context.signal, requestId: context.requestId });
          const threshold = base.settings.injection_threshold;
          return { hits: hits.filter((hit) => threshold === undefined || hit.injection.score < threshold), dropped: threshold === undefined ? 0 : hits.filter((hit) => hit.injection.score >= threshold).length };
        }),
      );
      const limit = Math.max(...bases.map(({ base }) => base.settings.top_k));
      const hits: SearchHit[] = perBase.flatMap((result) => result.hits).sort((a, b) => b.score - a.score).slice(0, limit);
      const dropped = perBase.reduce((sum, result) => sum + result.dropped, 0);
      context.responseHeaders[SOURCES_HEADER] = sourcesHeader(hits);
      if (dropped > 0) context.responseHeaders[DROPPED_HEADER] = String(dropped);
      if (hits.length > 0) context.request = { ...context.request, messages: insertContext(context.request.messages, contextBlock(hits)) };
      return next(context);
    },
  };
}
