/** Assembles knowledge bases: store, service, the retrieval middleware and the `/v1/knowledge_bases` routes. */
import type { RouteRegistrar } from "../http/route-registrar.js";
import type { ChatMiddleware } from "../gateway/pipeline.js";
import type { Storage } from "../storage/database.js";
import { KnowledgeService, type Embedder, type FileReader } from "./knowledge-service.js";
import { KnowledgeStore } from "./knowledge-store.js";
import { retrievalMiddleware, type RetrievalOptions } from "./retrieval-middleware.js";
import { knowledgeRoutes } from "./routes.js";

export interface KnowledgeOptions {
  storage: Storage;
  /** Embeddings through the gateway (any provider that serves them). */
  embed: Embedder;
  /** Reads an uploaded file of a project, for documents added by `file_id`. */
  readFile?: FileReader;
  /** The knowledge base attached to a public model name (a deployment's `knowledge_base`). */
  baseForModel?: RetrievalOptions["baseForModel"];
}

export interface Knowledge {
  service: KnowledgeService;
  middleware: ChatMiddleware;
  routes: RouteRegistrar;
}

export function createKnowledge(options: KnowledgeOptions): Knowledge {
  const service = new KnowledgeService(new KnowledgeStore(options.storage), options.embed, options.readFile);
  return { service, middleware: retrievalMiddleware({ service, baseForModel: options.baseForModel }), routes: knowledgeRoutes(service) };
}
