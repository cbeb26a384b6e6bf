/** Row shapes of the knowledge tables (migration 011-knowledge). */
export interface KnowledgeBaseTable {
  id: string;
  project_id: string;
  name: string;
  description: string | null;
  embedding_model: string;
  /** Learned from the model's first answer (or the `dimensions` asked for). */
  dimensions: number;
  /** Chunking and retrieval settings (JSON). */
  settings: string;
  revision: number;
  created_at: number;
}

export interface KnowledgeDocumentTable {
  id: string;
  knowledge_base_id: string;
  name: string;
  file_id: string | null;
  bytes: number;
  chunks: number;
  tokens: number;
  metadata: string | null;
  created_at: number;
}

export interface KnowledgeChunkTable {
  id: string;
  knowledge_base_id: string;
  document_id: string;
  seq: number;
  text: string;
  tokens: number;
  /** Unit-length float32 vector, little-endian. */
  embedding: Buffer;
}

declare module "../storage/database.js" {
  interface Database {
    knowledge_bases: KnowledgeBaseTable;
    knowledge_documents: KnowledgeDocumentTable;
    knowledge_chunks: KnowledgeChunkTable;
  }
}
