import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { downloadFile } from "./download.js";
import { validateGgufFile, type GgufSummary } from "./gguf-validation.js";
import { authorization, resolveDownload } from "./hf-resolve.js";
import { parseModelSource } from "./model-source.js";
import { recordPulledModel, type ManifestEntry } from "./store.js";

export interface PullOptions {
  source: string;
  modelsDir: string;
  /** Expected sha256; for Hugging Face files the published LFS checksum is used when this is absent. */
  sha256?: string;
  /** Hugging Face endpoint (tests, mirrors); defaults to HF_ENDPOINT or https://huggingface.co. */
  endpoint?: string;
  token?: string;
  signal?: AbortSignal;
  onStart?(file: string, sizeBytes: number | undefined): void;
  onProgress?(received: number, total: number | undefined): void;
}

export interface PullResult {
  entry: ManifestEntry;
  path: string;
  summary: GgufSummary;
  resumedFrom: number;
}

/** Resolves a source, downloads it (resuming, checksummed), checks it is a loadable GGUF and records it. */
export async function pullModel(options: PullOptions): Promise<PullResult> {
  const source = parseModelSource(options.source);
  const resolved = await resolveDownload(source, { endpoint: options.endpoint, token: options.token, signal: options.signal });
  await mkdir(options.modelsDir, { recursive: true });
  const path = join(options.modelsDir, resolved.file);
  options.onStart?.(resolved.file, resolved.sizeBytes);
  const result = await downloadFile({
    url: resolved.url,
    destination: path,
    sha256: options.sha256 ?? resolved.sha256,
    // The token goes to Hugging Face only, never to an arbitrary URL.
    headers: source.kind === "hf" ? authorization(options.token) : {},
    signal: options.signal,
    onProgress: options.onProgress,
  });
  let summary: GgufSummary;
  try {
    summary = await validateGgufFile(path);
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
  const entry: ManifestEntry = {
    file: resolved.file,
    source: options.source,
    sha256: result.sha256,
    sizeBytes: result.sizeBytes,
    pulledAt: new Date().toISOString(),
  };
  await recordPulledModel(options.modelsDir, entry);
  return { entry, path, summary, resumedFrom: result.resumedFrom };
}
