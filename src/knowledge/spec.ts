/** Request bodies of the knowledge-base API (zod), and the settings a knowledge base keeps. */
import { z } from "zod";

export const settingsSchema = z
  .object({
    /** Upper bound of a chunk, in cl100k tokens. */
    chunk_tokens: z.number().int().min(16).max(8192).default(400),
    /** Tokens of whole trailing sentences/paragraphs repeated at the start of the next chunk. */
    chunk_overlap: z.number().int().min(0).max(4096).default(60),
    /** Chunks added to a chat request. */
    top_k: z.number().int().min(1).max(50).default(4),
    /** Chunks scoring below this cosine similarity are never added. */
    min_score: z.number().min(-1).max(1).default(0),
    /** When set, retrieved chunks whose prompt-injection score reaches it are left out of chat context. */
    injection_threshold: z.number().min(0).max(1).optional(),
    /** The `dimensions` asked of the model on every embedding call, when the base was created with one. */
    dimensions: z.number().int().min(1).max(16_384).optional(),
  })
  .strict()
  .refine((settings) => settings.chunk_overlap < settings.chunk_tokens, { message: "chunk_overlap must be smaller than chunk_tokens", path: ["chunk_overlap"] });

export type KnowledgeSettings = z.infer<typeof settingsSchema>;

export const createBaseSchema = z
  .object({
    name: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    /** Any model this gateway serves that answers embeddings. */
    embedding_model: z.string().min(1),
    /** Asked of models that can shorten their vectors (OpenAI text-embedding-3, Gemini). */
    dimensions: z.number().int().min(1).max(16_384).optional(),
    chunk_tokens: z.number().optional(),
    chunk_overlap: z.number().optional(),
    top_k: z.number().optional(),
    min_score: z.number().optional(),
    injection_threshold: z.number().optional(),
  })
  .strict();

export const addDocumentSchema = z
  .object({
    /** Plain text or markdown. */
    text: z.string().min(1).optional(),
    /** An uploaded file (`/v1/files`) of this project holding UTF-8 text. */
    file_id: z.string().min(1).optional(),
    name: z.string().min(1).max(500).optional(),
    metadata: z.record(z.string(), z.string().max(500)).optional(),
  })
  .strict()
  .refine((body) => (body.text !== undefined) !== (body.file_id !== undefined), { message: "give either `text` or `file_id`" });

export const searchSchema = z
  .object({
    query: z.string().min(1).max(20_000),
    top_k: z.number().int().min(1).max(100).optional(),
    min_score: z.number().min(-1).max(1).optional(),
  })
  .strict();

