/**
 * Knowledge bases, documents and chunks in the database. Every read by id is scoped to a project:
 * another project's id answers 404, never 403, so ids leak nothing.
 */
import { SwitchyardError } from "../core/errors.js";
import { createId, unixSeconds } from "../core/ids.js";
import type { Storage } from "../storage/database.js";
import { settingsSchema, type KnowledgeSettings } from "./spec.js";
import type { KnowledgeBaseTable, KnowledgeChunkTable, KnowledgeDocumentTable } from "./tables.js";
import "./tables.js";

export interface KnowledgeBase {
  id: string;
  object: "knowledge_base";
  name: string;
  description: string | null;
  embedding_model: string;
  dimensions: number;
  settings: KnowledgeSettings;
  created_at: number;
  /** Internal: which project owns it, and the write counter the vector cache keys on. */
  projectId: string;
  revision: number;
}

export interface KnowledgeDocument {
  id: string;
  object: "knowledge_base.document";
  knowledge_base_id: string;
  name: string;
  file_id: string | null;
  bytes: number;
  chunks: number;
  tokens: number;
  metadata: Record<string, string> | null;
  created_at: number;
}

export type NewChunk = Omit<KnowledgeChunkTable, "id" | "knowledge_base_id" | "document_id">;

function toBase(row: KnowledgeBaseTable): KnowledgeBase {
  return {
    id: row.id,
    object: "knowledge_base",
    name: row.name,
    description: row.description,
    embedding_model: row.embedding_model,
    dimensions: Number(row.dimensions),
    settings: settingsSchema.parse(JSON.parse(row.settings)),
    created_at: unixSeconds(Number(row.created_at)),
    projectId: row.project_id,
    revision: Number(row.revision),
  };
}

function toDocument(row: KnowledgeDocumentTable): KnowledgeDocument {
  return {
    id: row.id,
    object: "knowledge_base.document",
    knowledge_base_id: row.knowledge_base_id,
    name: row.name,
    file_id: row.file_id,
    bytes: Number(row.bytes),
    chunks: Number(row.chunks),
    tokens: Number(row.tokens),
    metadata: row.metadata ? (JSON.parse(row.metadata) as Record<string, string>) : null,
    created_at: unixSeconds(Number(row.created_at)),
  };
}

/** The public JSON of a knowledge base. */
export function publicBase(base: KnowledgeBase): Omit<KnowledgeBase, "projectId" | "revision"> {
  const { projectId: _project, revision: _revision, ...rest } = base;
  return rest;
}

export class KnowledgeStore {
  constructor(private readonly storage: Storage) {}

  async createBase(input: { projectId: string; name: string; description?: string; embeddingModel: string; dimensions: number; settings: KnowledgeSettings }): Promise<KnowledgeBase> {
    const row: KnowledgeBaseTable = {
      id: createId("kb_"),
      project_id: input.projectId,
      name: input.name,
      description: input.description ?? null,
      embedding_model: input.embeddingModel,
      dimensions: input.dimensions,
      settings: JSON.stringify(input.settings),
      revision: 0,
      created_at: Date.now(),
    };
    await this.storage.db.insertInto("knowledge_bases").values(row).execute();
    return toBase(row);
  }

  async listBases(projectId: string): Promise<KnowledgeBase[]> {
    const rows = await this.storage.db.selectFrom("knowledge_bases").selectAll().where("project_id", "=", projectId).orderBy("created_at", "desc").execute();
    return rows.map(toBase);
  }

  /** Without a project: only for bases an administrator named (a deployment's knowledge base). */
  async getBase(id: string, projectId: string | undefined): Promise<KnowledgeBase> {
    let query = this.storage.db.selectFrom("knowledge_bases").selectAll().where("id", "=", id);
    if (projectId !== undefined) query = query.where("project_id", "=", projectId);
    const row = await query.executeTakeFirst();
    if (!row) throw new SwitchyardError("SWY_ERR_NOT_FOUND", `No knowledge base '${id}'.`, { param: "knowledge_base_id" });
    return toBase(row);
  }

  async deleteBase(id: string, projectId: string): Promise<void> {
    await this.getBase(id, projectId);
    await this.storage.db.transaction().execute(async (transaction) => {
      await transaction.deleteFrom("knowledge_chunks").where("knowledge_base_id", "=", id).execute();
      await transaction.deleteFrom("knowledge_documents").where("knowledge_base_id", "=", id).execute();
      await transaction.deleteFrom("knowledge_bases").where("id", "=", id).execute();
    });
  }

  /** A document and all its chunks in one transaction: a failed add leaves nothing behind. */
  async addDocument(
    base: KnowledgeBase,
    input: { name: string; fileId?: string; bytes: number; metadata?: Record<string, string> },
    chunks: NewChunk[],
  ): Promise<KnowledgeDocument> {
    const row: KnowledgeDocumentTable = {
      id: createId("kdoc_"),
      knowledge_base_id: base.id,
      name: input.name,
      file_id: input.fileId ?? null,
      bytes: input.bytes,
      chunks: chunks.length,
      tokens: chunks.reduce((sum, chunk) => sum + chunk.tokens, 0),
      metadata: input.metadata ? JSON.stringify(input.metadata) : null,
      created_at: Date.now(),
    };
    await this.storage.db.transaction().execute(async (transaction) => {
      await transaction.insertInto("knowledge_documents").values(row).execute();
      // Batches keep each INSERT under SQLite's bound-parameter limit.
      for (let start = 0; start < chunks.length; start += 100) {
        const batch = chunks.slice(start, start + 100).map((chunk) => ({ ...chunk, id: createId("kchunk_"), knowledge_base_id: base.id, document_id: row.id }));
        await transaction.insertInto("knowledge_chunks").values(batch).execute();
      }
      await transaction.updateTable("knowledge_bases").set((eb) => ({ revision: eb("revision", "+", 1) })).where("id", "=", base.id).execute();
    });
    return toDocument(row);
  }

  async listDocuments(baseId: string): Promise<KnowledgeDocument[]> {
    const rows = await this.storage.db.selectFrom("knowledge_documents").selectAll().where("knowledge_base_id", "=", baseId).orderBy("created_at", "asc").execute();
    return rows.map(toDocument);
  }

  async deleteDocument(baseId: string, documentId: string): Promise<void> {
    const found = await this.storage.db.selectFrom("knowledge_documents").select("id").where("id", "=", documentId).where("knowledge_base_id", "=", baseId).executeTakeFirst();
    if (!found) throw new SwitchyardError("SWY_ERR_NOT_FOUND", `No document '${documentId}' in knowledge base '${baseId}'.`, { param: "document_id" });
    await this.storage.db.transaction().execute(async (transaction) => {
      await transaction.deleteFrom("knowledge_chunks").where("document_id", "=", documentId).execute();
      await transaction.deleteFrom("knowledge_documents").where("id", "=", documentId).execute();
      await transaction.updateTable("knowledge_bases").set((eb) => ({ revision: eb("revision", "+", 1) })).where("id", "=", baseId).execute();
    });
  }

  /** Every chunk's id, document and vector, for the in-memory index. */
  async vectors(baseId: string): Promise<Array<Pick<KnowledgeChunkTable, "id" | "document_id" | "seq" | "embedding">>> {
    return this.storage.db.selectFrom("knowledge_chunks").select(["id", "document_id", "seq", "embedding"]).where("knowledge_base_id", "=", baseId).execute();
  }

  async chunkTexts(ids: string[]): Promise<Map<string, { text: string; documentName: string }>> {
    if (ids.length === 0) return new Map();
    const rows = await this.storage.db
      .selectFrom("knowledge_chunks")
      .innerJoin("knowledge_documents", "knowledge_documents.id", "knowledge_chunks.document_id")
      .select(["knowledge_chunks.id as id", "knowledge_chunks.text as text", "knowledge_documents.name as name"])
      .where("knowledge_chunks.id", "in", ids)
      .execute();
    return new Map(rows.map((row) => [row.id, { text: row.text, documentName: row.name }]));
  }
}
