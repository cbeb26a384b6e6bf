/**
 * Router files uploaded through `PUT /admin/routers/:name` and named in config as
 * `auto.router: stored:<name>`. They live in the blob store, so every node has them: each node keeps
 * a copy at `<data_dir>/routers/<name>.json` (where the config loader reads it, synchronously, like
 * any router file), brought up to date at start-up and whenever a node publishes `routers`.
 */
import { readFile, rename, rm, writeFile, mkdir, readdir } from "node:fs/promises";
import path from "node:path";
import { SwitchyardError } from "../../core/errors.js";
import type { BlobStore } from "../../storage/blobs/blob-store.js";
import { parseRouterFile } from "./router-file.js";

export const STORED_ROUTER_PREFIX = "stored:";
export const storedRouterNamePattern = /^[A-Za-z0-9._-]{1,64}$/;

const blobKey = (name: string) => `routers/${name}.json`;

/** Where this node keeps its copy of a stored router (what `stored:<name>` resolves to). */
export function storedRouterPath(dataDir: string, name: string): string {
  return path.join(path.resolve(dataDir), "routers", `${name}.json`);
}

export class StoredRouters {
  constructor(
    private readonly blobs: BlobStore,
    private readonly dataDir: string,
  ) {}

  /** Validates and stores a router file; a file that does not parse is a 400 and stores nothing. */
  async put(name: string, file: unknown): Promise<{ name: string; bytes: number }> {
    parseRouterFile(file, `router '${name}'`);
    const content = Buffer.from(JSON.stringify(file));
    await this.blobs.put(blobKey(name), content);
    await this.write(name, content);
    return { name, bytes: content.length };
  }

  async names(): Promise<string[]> {
    return (await this.blobs.list("routers")).map((key) => path.basename(key, ".json"));
  }

  async delete(name: string): Promise<void> {
    if (!(await this.blobs.get(blobKey(name)))) throw new SwitchyardError("SWY_ERR_NOT_FOUND", `No stored router '${name}'.`);
    await this.blobs.delete(blobKey(name));
    await rm(storedRouterPath(this.dataDir, name), { force: true });
  }

  /** Makes this node's copies match the store (new, changed and removed ones); true when any file changed. */
  async syncToDisk(): Promise<boolean> {
    const names = await this.names();
    let changed = false;
    for (const name of names) {
      const content = await this.blobs.get(blobKey(name));
      if (!content) continue;
      const local = await readFile(storedRouterPath(this.dataDir, name)).catch(() => undefined);
      if (local?.equals(content)) continue;
      await this.write(name, content);
      changed = true;
    }
    const folder = path.dirname(storedRouterPath(this.dataDir, "x"));
    for (const file of await readdir(folder).catch(() => [] as string[])) {
      if (!file.endsWith(".json") || names.includes(path.basename(file, ".json"))) continue;
      await rm(path.join(folder, file), { force: true });
      changed = true;
    }
    return changed;
  }

  private async write(name: string, content: Buffer): Promise<void> {
    const target = storedRouterPath(this.dataDir, name);
    // On one node the blob store is this very folder: the file is already in place.
    if ((await readFile(target).catch(() => undefined))?.equals(content)) return;
    await mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.${process.pid}.part`;
    await writeFile(temporary, content);
    await rename(temporary, target);
  }
}
