/**
 * Uploaded files: bytes in the blob store as `files/<id>` (the data directory on one node, the
 * database when nodes share PostgreSQL), metadata in the database, every read scoped to the
 * caller's project (another project's id answers 404, never 403, so ids leak nothing).
 */
import { SwitchyardError } from "../../core/errors.js";
import { createId, unixSeconds } from "../../core/ids.js";
import type { Storage } from "../../storage/database.js";
import type { BlobStore } from "../../storage/blobs/blob-store.js";
import "../tables.js";
import type { Estimate } from "../fine-tuning/types.js";
import type { DatasetReport } from "./dataset-validation.js";

export const filePurposes = ["fine-tune", "batch", "assistants", "fine-tune-results"] as const;
export type FilePurpose = (typeof filePurposes)[number];

export interface StoredFile {
  id: string;
  object: "file";
  bytes: number;
  created_at: number;
  filename: string;
  purpose: string;
  status: "processed";
  /** Switchyard's dataset validation summary (fine-tune files). */
  dataset?: Omit<DatasetReport, "texts"> & { estimates?: Estimate[] };
}

interface FileRow {
  id: string;
  project_id: string;
  filename: string;
  purpose: string;
  bytes: number;
  created_at: number;
  report: string | null;
}

function toFile(row: FileRow): StoredFile {
  const file: StoredFile = {
    id: row.id,
    object: "file",
    bytes: Number(row.bytes),
    created_at: unixSeconds(Number(row.created_at)),
    filename: row.filename,
    purpose: row.purpose,
    status: "processed",
  };
  if (row.report) file.dataset = JSON.parse(row.report) as Omit<DatasetReport, "texts">;
  return file;
}

const blobKey = (id: string) => `files/${id}`;

export class FileStore {
  constructor(
    private readonly storage: Storage,
    private readonly blobs: BlobStore,
  ) {}

  async create(input: {
    projectId: string;
    filename: string;
    purpose: string;
    content: Buffer;
    report?: DatasetReport;
  }): Promise<StoredFile> {
    const id = createId("file-");
    // Bytes first: a crash between the two writes leaves an orphan blob, never a row without bytes.
    await this.blobs.put(blobKey(id), input.content);
    const report = input.report ? JSON.stringify({ ...input.report, texts: undefined }) : null;
    const row: FileRow = {
      id,
      project_id: input.projectId,
      filename: input.filename,
      purpose: input.purpose,
      bytes: input.content.length,
      created_at: Date.now(),
      report,
    };
    await this.storage.db.insertInto("customization_files").values(row).execute();
    return toFile(row);
  }

  async list(projectId: string, options: { purpose?: string; limit?: number; order?: "asc" | "desc" } = {}): Promise<StoredFile[]> {
    let query = this.storage.db.selectFrom("customization_files").selectAll().where("project_id", "=", projectId);
    if (options.purpose) query = query.where("purpose", "=", options.purpose);
    const rows = await query
      .orderBy("created_at", options.order ?? "desc")
      .limit(options.limit ?? 10_000)
      .execute();
    return rows.map(toFile);
  }

  async get(projectId: string, id: string): Promise<StoredFile> {
    const row = await this.storage.db
      .selectFrom("customization_files")
      .selectAll()
      .where("id", "=", id)
      .where("project_id", "=", projectId)
      .executeTakeFirst();
    if (!row) throw new SwitchyardError("SWY_ERR_NOT_FOUND", `No such file: '${id}'.`, { param: "file_id" });
    return toFile(row);
  }

  async content(projectId: string, id: string): Promise<Buffer> {
    await this.get(projectId, id);
    const content = await this.blobs.get(blobKey(id));
    if (!content) throw new SwitchyardError("SWY_ERR_NOT_FOUND", `The content of file '${id}' is gone.`, { param: "file_id" });
    return content;
  }

  async delete(projectId: string, id: string): Promise<{ id: string; object: "file"; deleted: true }> {
    await this.get(projectId, id);
    await this.storage.db.deleteFrom("customization_files").where("id", "=", id).execute();
    await this.blobs.delete(blobKey(id));
    return { id, object: "file", deleted: true };
  }
}
