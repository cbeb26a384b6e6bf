/**
 * `/v1/knowledge_bases`: create, list, retrieve, delete; documents (add as text or an uploaded
 * file, list, delete); search. Scoped to the caller's project; errors in OpenAI's format.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { parseBody } from "../http/parse-body.js";
import { projectOf } from "../http/project-of.js";
import type { CallScope, KnowledgeService } from "./knowledge-service.js";
import { publicBase } from "./knowledge-store.js";
import { addDocumentSchema, createBaseSchema, searchSchema } from "./spec.js";

type WithId = { Params: { id: string } };

/** The caller, with a signal that aborts embedding calls when the client goes away. */
function scopeOf(request: FastifyRequest, reply: FastifyReply): CallScope {
  const controller = new AbortController();
  reply.raw.once("close", () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return { principal: request.principal, signal: controller.signal, requestId: request.id };
}

export function knowledgeRoutes(service: KnowledgeService) {
  const { store } = service;
  const baseFor = (request: FastifyRequest<WithId>) => store.getBase(request.params.id, projectOf(request));

  return (app: FastifyInstance): void => {
    app.post("/v1/knowledge_bases", async (request, reply) => {
      const body = parseBody(createBaseSchema, request.body ?? {});
      const base = await service.createBase(projectOf(request), body, scopeOf(request, reply));
      return reply.send(publicBase(base));
    });

    app.get("/v1/knowledge_bases", async (request) => {
      const bases = await store.listBases(projectOf(request));
      return { object: "list", data: bases.map(publicBase) };
    });

    app.get<WithId>("/v1/knowledge_bases/:id", async (request) => {
      const base = await baseFor(request);
      const documents = await store.listDocuments(base.id);
      return { ...publicBase(base), document_count: documents.length, chunk_count: documents.reduce((sum, document) => sum + document.chunks, 0) };
    });

    app.delete<WithId>("/v1/knowledge_bases/:id", async (request) => {
      await store.deleteBase(request.params.id, projectOf(request));
      service.index.forget(request.params.id);
      return { id: request.params.id, object: "knowledge_base.deleted", deleted: true };
    });

    app.post<WithId>("/v1/knowledge_bases/:id/documents", async (request, reply) => {
      const base = await baseFor(request);
      const body = parseBody(addDocumentSchema, request.body ?? {});
      const document = await service.addDocument(base, body, scopeOf(request, reply));
      return reply.send(document);
    });

    app.get<WithId>("/v1/knowledge_bases/:id/documents", async (request) => {
      const base = await baseFor(request);
      return { object: "list", data: await store.listDocuments(base.id) };
    });

    app.delete<{ Params: { id: string; documentId: string } }>("/v1/knowledge_bases/:id/documents/:documentId", async (request) => {
      const base = await baseFor(request);
      await store.deleteDocument(base.id, request.params.documentId);
      return { id: request.params.documentId, object: "knowledge_base.document.deleted", deleted: true };
    });

    app.post<WithId>("/v1/knowledge_bases/:id/search", async (request, reply) => {
      const base = await baseFor(request);
      const body = parseBody(searchSchema, request.body ?? {});
      const hits = await service.search(base, body.query, { topK: body.top_k ?? base.settings.top_k, minScore: body.min_score ?? base.settings.min_score }, scopeOf(request, reply));
      return { object: "list", knowledge_base_id: base.id, query: body.query, data: hits };
    });
  };
}
