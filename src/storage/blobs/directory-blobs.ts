import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { checkBlobKey, type BlobStore } from "./blob-store.js";

/** Blobs as files under one directory (the data dir): `files/<id>` is `<root>/files/<id>`, as before blobs existed. */
export class DirectoryBlobStore implements BlobStore {
  readonly kind = "directory" as const;
  private readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  private where(key: string): string {
    return path.join(this.root, checkBlobKey(key));
  }

  async put(key: string, content: Buffer): Promise<void> {
    const target = this.where(key);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
  }

  async putFile(key: string, source: string): Promise<void> {
    const target = this.where(key);
    if (path.resolve(source) === target) return;
    await mkdir(path.dirname(target), { recursive: true });
    await copyFile(source, target);
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.where(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  async download(key: string, target: string): Promise<boolean> {
    const source = this.where(key);
    if (path.resolve(target) === source) return true;
    const temporary = `${target}.${process.pid}-${Math.random().toString(36).slice(2, 8)}.part`;
    try {
      await mkdir(path.dirname(target), { recursive: true });
      await copyFile(source, temporary);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw error;
    }
    await rename(temporary, target);
    return true;
  }

  async delete(key: string): Promise<void> {
    await rm(this.where(key), { force: true });
  }

  async list(prefix: string): Promise<string[]> {
    const folder = checkBlobKey(prefix.replace(/\/+$/, ""));
    try {
      const entries = await readdir(this.where(folder), { withFileTypes: true });
      return entries.filter((entry) => entry.isFile() && !entry.name.endsWith(".part")).map((entry) => `${folder}/${entry.name}`).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
  }
}
