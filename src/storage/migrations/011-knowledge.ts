import type { Kysely } from "kysely";
import { PostgresAdapter } from "../kysely.js";

/**
 * Knowledge bases: documents, and their chunks with embedding vectors as float32 blobs
 * (`bytea` on PostgreSQL, `blob` on SQLite). `revision` changes on every write so a process can
 * tell its in-memory copy of the vectors is stale.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const binary = db.getExecutor().adapter instanceof PostgresAdapter ? "bytea" : "blob";
  await db.schema
    .createTable("knowledge_bases")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("project_id", "text", (column) => column.notNull())
    .addColumn("name", "text", (column) => column.notNull())
    .addColumn("description", "text")
    .addColumn("embedding_model", "text", (column) => column.notNull())
    .addColumn("dimensions", "integer", (column) => column.notNull())
    .addColumn("settings", "text", (column) => column.notNull())
    .addColumn("revision", "integer", (column) => column.notNull())
    .addColumn("created_at", "bigint", (column) => column.notNull())
    .execute();
  await db.schema.createIndex("knowledge_bases_project").on("knowledge_bases").column("project_id").execute();
  await db.schema
    .createTable("knowledge_documents")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("knowledge_base_id", "text", (column) => column.notNull())
    .addColumn("name", "text", (column) => column.notNull())
    .addColumn("file_id", "text")
    .addColumn("bytes", "bigint", (column) => column.notNull())
    .addColumn("chunks", "integer", (column) => column.notNull())
    .addColumn("tokens", "integer", (column) => column.notNull())
    .addColumn("metadata", "text")
    .addColumn("created_at", "bigint", (column) => column.notNull())
    .execute();
  await db.schema.createIndex("knowledge_documents_base").on("knowledge_documents").column("knowledge_base_id").execute();
  await db.schema
    .createTable("knowledge_chunks")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("knowledge_base_id", "text", (column) => column.notNull())
    .addColumn("document_id", "text", (column) => column.notNull())
    .addColumn("seq", "integer", (column) => column.notNull())
    .addColumn("text", "text", (column) => column.notNull())
    .addColumn("tokens", "integer", (column) => column.notNull())
    .addColumn("embedding", binary, (column) => column.notNull())
    .execute();
  await db.schema.createIndex("knowledge_chunks_base").on("knowledge_chunks").column("knowledge_base_id").execute();
  await db.schema.createIndex("knowledge_chunks_document").on("knowledge_chunks").column("document_id").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("knowledge_chunks").execute();
  await db.schema.dropTable("knowledge_documents").execute();
  await db.schema.dropTable("knowledge_bases").execute();
}
