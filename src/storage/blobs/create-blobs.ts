import type { Storage } from "../database.js";
import type { BlobStore } from "./blob-store.js";
import { DatabaseBlobStore } from "./database-blobs.js";
import { DirectoryBlobStore } from "./directory-blobs.js";

/** PostgreSQL means nodes may share it, so blobs go there too; SQLite means one node and its data directory. */
export function createBlobStore(storage: Storage, dataDir: string): BlobStore {
  return storage.dialect === "postgres" ? new DatabaseBlobStore(storage) : new DirectoryBlobStore(dataDir);
}
