/**
 * Bytes that any node may need: uploaded files (datasets, knowledge documents), training outputs
 * and checkpoints. One node (SQLite) keeps them in its data directory; nodes sharing PostgreSQL keep
 * them in the database, so a file uploaded through one node downloads from another and a model
 * trained on one is fetched by the node that serves it. Keys are paths such as `files/<id>`.
 */
export interface BlobStore {
  /** `directory`: this node's disk only; `database`: every node sharing the database reads it. */
  readonly kind: "directory" | "database";
  put(key: string, content: Buffer): Promise<void>;
  /** Stores a file from disk, a piece at a time (model files may be gigabytes). */
  putFile(key: string, path: string): Promise<void>;
  /** The whole blob, or undefined when there is none. */
  get(key: string): Promise<Buffer | undefined>;
  /** Writes the blob to `path` (a temporary name, then a rename, so a reader never sees half); false when absent. */
  download(key: string, path: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Keys under a folder (`routers/`), sorted. */
  list(prefix: string): Promise<string[]>;
}

/** Keys are relative paths of plain names: nothing may climb out of the store's root. */
export function checkBlobKey(key: string): string {
  if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(key) || key.split("/").some((part) => part === "." || part === "..")) {
    throw new Error(`invalid blob key '${key}'`);
  }
  return key;
}
