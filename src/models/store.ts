import { readdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";

/** One downloaded model, as recorded by `models pull`. */
export interface ManifestEntry {
  file: string;
  source: string;
  sha256: string;
  sizeBytes: number;
  pulledAt: string;
}

export interface StoredModel {
  file: string;
  path: string;
  sizeBytes: number;
  source?: string;
  sha256?: string;
}

const MANIFEST = "manifest.json";

/** The models directory inside a data directory. */
export function modelsDirectory(dataDir: string): string {
  return resolve(dataDir, "models");
}

export async function readManifest(directory: string): Promise<ManifestEntry[]> {
  try {
    const parsed: unknown = JSON.parse(await readFile(join(directory, MANIFEST), "utf8"));
    const models = (parsed as { models?: unknown }).models;
    return Array.isArray(models) ? (models.filter(isManifestEntry) as ManifestEntry[]) : [];
  } catch {
    return [];
  }
}

function isManifestEntry(value: unknown): boolean {
  const entry = value as Partial<ManifestEntry> | null;
  return typeof entry?.file === "string" && typeof entry.source === "string" && typeof entry.sha256 === "string";
}

/** Records a pulled model; written to a temporary file then renamed, so a crash never leaves half a manifest. */
export async function recordPulledModel(directory: string, entry: ManifestEntry): Promise<void> {
  const models = (await readManifest(directory)).filter((item) => item.file !== entry.file && item.source !== entry.source);
  models.push(entry);
  const temporary = join(directory, `${MANIFEST}.${process.pid}.tmp`);
  await writeFile(temporary, `${JSON.stringify({ models }, null, 2)}\n`);
  await rename(temporary, join(directory, MANIFEST));
}

/** The file a `models pull` source was saved as, if it was pulled. */
export async function findPulledFile(directory: string, source: string): Promise<string | undefined> {
  const entry = (await readManifest(directory)).find((item) => item.source === source);
  return entry ? join(directory, entry.file) : undefined;
}

/** Every complete `.gguf` file in the directory, with its pull record when there is one. */
export async function listStoredModels(directory: string): Promise<StoredModel[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return [];
  }
  const manifest = new Map((await readManifest(directory)).map((entry) => [entry.file, entry]));
  const models: StoredModel[] = [];
  for (const file of names.filter((name) => name.endsWith(".gguf")).sort()) {
    const path = join(directory, file);
    const stats = await stat(path).catch(() => undefined);
    if (!stats?.isFile()) continue;
    const record = manifest.get(file);
    models.push({ file, path, sizeBytes: stats.size, source: record?.source, sha256: record?.sha256 });
  }
  return models;
}

/** A model name a client may use as a file in the models directory: no paths, no hidden files. */
export function isPlainFileName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) && !name.includes("..");
}
