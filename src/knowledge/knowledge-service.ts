/**
 * Knowledge bases end to end: create (probing the embedding model once for its dimensions), add
 * documents (chunk, embed in batches through the gateway, store), and search (embed the query,
 * scan the base's vectors, fetch the winning chunks' text, score them for prompt injection).
 */
import { SwitchyardError } from "../core/errors.js";
import type { EmbeddingRequest, EmbeddingResponse } from "../core/types.js";
import type { Principal } from "../gateway/context.js";
import { scoreInjection, type InjectionScore } from "../guardrails/injection.js";
import { chunkText } from "./chunker.js";
import type { KnowledgeBase, KnowledgeDocument, KnowledgeStore, NewChunk } from "./knowledge-store.js";
import { settingsSchema, type addDocumentSchema, type createBaseSchema } from "./spec.js";
import { loadTokenizer } from "./tokenizer.js";
import { VectorIndex } from "./vector-index.js";
import { normalize, toBlob } from "./vectors.js";
import type { z } from "zod";

export type Embedder = (request: EmbeddingRequest, principal: Principal, signal: AbortSignal, requestId: string) => Promise<EmbeddingResponse>;
export type FileReader = (projectId: string, fileId: string) => Promise<Buffer>;

/** Who is asking, for embedding calls: the caller's principal, its abort signal and request id. */
export interface CallScope {
  principal: Principal;
  signal: AbortSignal;
  requestId: string;
}

export interface SearchHit {
  object: "knowledge_base.search_result";
  knowledge_base_id: string;
  document_id: string;
  document_name: string;
  chunk_id: string;
  /** The chunk's position in its document (0-based). */
  chunk_index: number;
  score: number;
  text: string;
  /** Retrieved text is untrusted: the prompt-injection heuristic's verdict on it. */
  injection: InjectionScore;
}

const EMBED_BATCH = 64;
const MAX_CHUNKS_PER_DOCUMENT = 20_000;

export class KnowledgeService {
  readonly index: VectorIndex;

  constructor(
    readonly store: KnowledgeStore,
    private readonly embed: Embedder,
    private readonly readFile?: FileReader,
  ) {
    this.index = new VectorIndex(store);
  }

  /**
   * Embeddings are idempotent, so one retryable failure (a reset keep-alive socket, a 429 or 503) is
   * retried once after a short pause before the whole document add fails.
   */
  private async embedWithRetry(request: EmbeddingRequest, scope: CallScope): Promise<EmbeddingResponse> {
    try {
      return await this.embed(request, scope.principal, scope.signal, scope.requestId);
    } catch (error) {
      if (!(error instanceof SwitchyardError) || !error.retryable || scope.signal.aborted) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, (error.retryAfterSeconds ?? 0.2) * 1000)));
      return this.embed(request, scope.principal, scope.signal, scope.requestId);
    }
  }

  private async embedTexts(base: { embedding_model: string; dimensions?: number }, texts: string[], scope: CallScope): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += EMBED_BATCH) {
      const input = texts.slice(start, start + EMBED_BATCH);
      const request: EmbeddingRequest = { model: base.embedding_model, input, ...(base.dimensions ? { dimensions: base.dimensions } : {}) };
      const response = await this.embedWithRetry(request, scope);
      if (response.embeddings.length !== input.length) {
        throw new SwitchyardError("SWY_ERR_UPSTREAM_ERROR", `The embedding model returned ${response.embeddings.length} vectors for ${input.length} inputs.`);
      }
      for (const embedding of response.embeddings) vectors.push(normalize(embedding));
    }
    return vectors;
  }

  async createBase(projectId: string, body: z.infer<typeof createBaseSchema>, scope: CallScope): Promise<KnowledgeBase> {
    const { name, description, embedding_model, ...rest } = body;
    const settings = settingsSchema.safeParse(rest);
    if (!settings.success) {
      const issue = settings.error.issues[0];
      throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `${issue?.path.join(".") ?? "settings"}: ${issue?.message}`, { param: issue?.path.join(".") });
    }
    // One probe proves the model answers embeddings (a clear 4xx now, not at the first document) and fixes the width.
    const [probe] = await this.embedTexts({ embedding_model, dimensions: settings.data.dimensions }, ["dimension probe"], scope);
    if (!probe || probe.length === 0) throw new SwitchyardError("SWY_ERR_UPSTREAM_ERROR", `The model '${embedding_model}' returned an empty embedding.`);
    return this.store.createBase({ projectId, name, description, embeddingModel: embedding_model, dimensions: probe.length, settings: settings.data });
  }

  private async documentText(projectId: string, body: z.infer<typeof addDocumentSchema>): Promise<{ text: string; bytes: number }> {
    if (body.text !== undefined) return { text: body.text, bytes: Buffer.byteLength(body.text) };
    if (!this.readFile) throw new SwitchyardError("SWY_ERR_NOT_IMPLEMENTED", "This gateway has no file store; send the document as `text`.", { param: "file_id" });
    const content = await this.readFile(projectId, body.file_id!);
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(content);
    } catch {
      throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `The file '${body.file_id}' is not UTF-8 text.`, { param: "file_id" });
    }
    return { text, bytes: content.length };
  }

  async addDocument(base: KnowledgeBase, body: z.infer<typeof addDocumentSchema>, scope: CallScope): Promise<KnowledgeDocument> {
    const { text, bytes } = await this.documentText(base.projectId, body);
    const tokenizer = await loadTokenizer();
    const chunks = chunkText(text, tokenizer, { maxTokens: base.settings.chunk_tokens, overlapTokens: base.settings.chunk_overlap });
    if (chunks.length === 0) throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "The document has no text to index.", { param: body.text !== undefined ? "text" : "file_id" });
    if (chunks.length > MAX_CHUNKS_PER_DOCUMENT) {
      throw new SwitchyardError("SWY_ERR_PAYLOAD_TOO_LARGE", `The document makes ${chunks.length} chunks; split it (at most ${MAX_CHUNKS_PER_DOCUMENT} a document).`);
    }
    const vectors = await this.embedTexts({ embedding_model: base.embedding_model, dimensions: base.settings.dimensions }, chunks.map((chunk) => chunk.text), scope);
    const rows: NewChunk[] = chunks.map((chunk, seq) => {
      const vector = vectors[seq]!;
      if (vector.length !== base.dimensions) {
        throw new SwitchyardError("SWY_ERR_UPSTREAM_ERROR", `The embedding model returned ${vector.length} dimensions; this knowledge base holds ${base.dimensions}.`);
      }
      return { seq, text: chunk.text, tokens: chunk.tokens, embedding: toBlob(vector) };
    });
    const name = body.name ?? (body.file_id !== undefined ? body.file_id : (text.trim().split("\n")[0] ?? "document").replace(/^#+\s*/, "").slice(0, 80));
    return this.store.addDocument(base, { name, fileId: body.file_id, bytes, metadata: body.metadata }, rows);
  }

  async search(base: KnowledgeBase, query: string, options: { topK: number; minScore: number }, scope: CallScope): Promise<SearchHit[]> {
    const [vector] = await this.embedTexts({ embedding_model: base.embedding_model, dimensions: base.settings.dimensions }, [query], scope);
    if (!vector || vector.length !== base.dimensions) {
      throw new SwitchyardError("SWY_ERR_UPSTREAM_ERROR", `The embedding model returned ${vector?.length ?? 0} dimensions; this knowledge base holds ${base.dimensions}.`);
    }
    const hits = await this.index.search(base, vector, options.topK, options.minScore);
    const texts = await this.store.chunkTexts(hits.map((hit) => hit.chunkId));
    return hits.flatMap((hit) => {
      const found = texts.get(hit.chunkId);
      // A chunk deleted between the scan and the read is simply not a result.
      if (!found) return [];
      return [
        {
          object: "knowledge_base.search_result" as const,
          knowledge_base_id: base.id,
          document_id: hit.documentId,
          document_name: found.documentName,
          chunk_id: hit.chunkId,
          chunk_index: hit.seq,
          score: hit.score,
          text: found.text,
          injection: scoreInjection(found.text),
        },
      ];
    });
  }
}
