import { open, mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { sql } from "../kysely.js";
import type { Storage } from "../database.js";
import { checkBlobKey, type BlobStore } from "./blob-store.js";

/** A piece small enough that one row never strains a connection's memory, large enough to keep rows few. */
const CHUNK_BYTES = 1024 * 1024;

interface BlobTable {
  key: string;
  bytes: number;
  chunks: number;
  created_at: number;
}

interface BlobChunkTable {
  key: string;
  seq: number;
  data: Buffer;
}

declare module "../database.js" {
  interface Database {
    blobs: BlobTable;
    blob_chunks: BlobChunkTable;
  }
}

/**
 * Blobs in the database (`bytea` on PostgreSQL), in 1 MiB chunks. The `blobs` row is written in the
 * same transaction as its chunks, so a blob is either whole or absent to every reader.
 */
export class DatabaseBlobStore implements BlobStore {
  readonly kind = "database" as const;

  constructor(private readonly storage: Storage) {}

  async put(key: string, content: Buffer): Promise<void> {
    checkBlobKey(key);
    await this.storage.db.transaction().execute(async (transaction) => {
      await transaction.deleteFrom("blob_chunks").where("key", "=", key).execute();
      await transaction.deleteFrom("blobs").where("key", "=", key).execute();
      let seq = 0;
      for (let offset = 0; offset < content.length || seq === 0; offset += CHUNK_BYTES) {
        await transaction.insertInto("blob_chunks").values({ key, seq: seq++, data: content.subarray(offset, offset + CHUNK_BYTES) }).execute();
      }
      await transaction.insertInto("blobs").values({ key, bytes: content.length, chunks: seq, created_at: Date.now() }).execute();
    });
  }

  async putFile(key: string, source: string): Promise<void> {
    checkBlobKey(key);
    const handle = await open(source, "r");
    try {
      await this.storage.db.transaction().execute(async (transaction) => {
        await transaction.deleteFrom("blob_chunks").where("key", "=", key).execute();
        await transaction.deleteFrom("blobs").where("key", "=", key).execute();
        let seq = 0;
        let bytes = 0;
        for (;;) {
          const buffer = Buffer.alloc(CHUNK_BYTES);
          const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, bytes);
          if (bytesRead === 0 && seq > 0) break;
          await transaction.insertInto("blob_chunks").values({ key, seq: seq++, data: buffer.subarray(0, bytesRead) }).execute();
          bytes += bytesRead;
          if (bytesRead < CHUNK_BYTES) break;
        }
        await transaction.insertInto("blobs").values({ key, bytes, chunks: seq, created_at: Date.now() }).execute();
      });
    } finally {
      await handle.close();
    }
  }

  private async head(key: string): Promise<BlobTable | undefined> {
    return this.storage.db.selectFrom("blobs").selectAll().where("key", "=", checkBlobKey(key)).executeTakeFirst();
  }

  async get(key: string): Promise<Buffer | undefined> {
    if (!(await this.head(key))) return undefined;
    const rows = await this.storage.db.selectFrom("blob_chunks").select("data").where("key", "=", key).orderBy("seq", "asc").execute();
    return Buffer.concat(rows.map((row) => row.data));
  }

  async download(key: string, target: string): Promise<boolean> {
    const head = await this.head(key);
    if (!head) return false;
    await mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.${process.pid}-${Math.random().toString(36).slice(2, 8)}.part`;
    const handle = await open(temporary, "w");
    try {
      // One chunk per query: memory stays at one chunk however large the model.
      for (let seq = 0; seq < Number(head.chunks); seq++) {
        const row = await this.storage.db.selectFrom("blob_chunks").select("data").where("key", "=", key).where("seq", "=", seq).executeTakeFirst();
        if (!row) throw new Error(`blob '${key}' lost chunk ${seq} while it was read`);
        await handle.write(row.data);
      }
    } catch (error) {
      await handle.close();
      await rm(temporary, { force: true });
      throw error;
    }
    await handle.close();
    await rename(temporary, target);
    return true;
  }

  async delete(key: string): Promise<void> {
    await this.storage.db.transaction().execute(async (transaction) => {
      await transaction.deleteFrom("blobs").where("key", "=", checkBlobKey(key)).execute();
      await transaction.deleteFrom("blob_chunks").where("key", "=", key).execute();
    });
  }

  async list(prefix: string): Promise<string[]> {
    const folder = `${checkBlobKey(prefix.replace(/\/+$/, ""))}/`;
    // A prefix compare, not LIKE (keys may hold `_`) nor a range (collations order `/` differently).
    const rows = await this.storage.db
      .selectFrom("blobs")
      .select("key")
      .where(sql<string>`substr(key, 1, ${folder.length})`, "=", folder)
      .execute();
    return rows.map((row) => row.key).sort();
  }
}
