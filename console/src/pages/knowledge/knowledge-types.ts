/** `/v1/knowledge_bases` objects. */
export interface KnowledgeBase {
  id: string;
  name: string;
  description: string | null;
  embedding_model: string;
  dimensions: number;
  settings: { chunk_tokens: number; chunk_overlap: number; top_k: number; min_score: number };
  created_at: number;
  document_count?: number;
  chunk_count?: number;
}

export interface KnowledgeDocument {
  id: string;
  name: string;
  bytes: number;
  chunks: number;
  tokens: number;
  created_at: number;
}

export interface SearchHit {
  document_id: string;
  document_name: string;
  chunk_id: string;
  chunk_index: number;
  score: number;
  text: string;
  injection: { score: number };
}
