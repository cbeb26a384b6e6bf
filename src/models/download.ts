import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import { once } from "node:events";
import { SwitchyardError } from "../core/errors.js";

export interface DownloadOptions {
  url: string;
  destination: string;
  /** Expected sha256 (hex); the file is rejected and removed when it differs. */
  sha256?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Called as bytes arrive; `total` is undefined when the server does not say. */
  onProgress?(received: number, total: number | undefined): void;
}

export interface DownloadResult {
  sha256: string;
  sizeBytes: number;
  /** Bytes kept from an earlier, interrupted download. */
  resumedFrom: number;
}

/**
 * Downloads to `<destination>.partial`, then renames. An interrupted download resumes with an HTTP
 * Range request; the checksum covers the whole file, earlier bytes included.
 */
export async function downloadFile(options: DownloadOptions): Promise<DownloadResult> {
  const partial = `${options.destination}.partial`;
  let existing = (await stat(partial).catch(() => undefined))?.size ?? 0;
  const headers: Record<string, string> = { ...options.headers };
  if (existing > 0) headers.range = `bytes=${existing}-`;
  let response = await request(options.url, headers, options.signal);
  if (response.status === 416 && existing > 0) {
    // The partial file is not a prefix the server can continue (changed upstream, or already whole): start over.
    await response.body?.cancel();
    await rm(partial, { force: true });
    existing = 0;
    delete headers.range;
    response = await request(options.url, headers, options.signal);
  }
  if (response.status !== 200 && response.status !== 206) {
    await response.body?.cancel();
    throw new SwitchyardError(response.status === 404 ? "SWY_ERR_UPSTREAM_NOT_FOUND" : "SWY_ERR_UPSTREAM_ERROR", `Download failed: ${options.url} answered ${response.status}.`);
  }
  const resumed = response.status === 206 && existing > 0 && contentRangeStart(response.headers.get("content-range")) === existing;
  if (!resumed) existing = 0;
  const length = Number(response.headers.get("content-length") ?? Number.NaN);
  const total = Number.isFinite(length) ? existing + length : undefined;

  const hash = createHash("sha256");
  if (resumed) for await (const chunk of createReadStream(partial)) hash.update(chunk as Buffer);
  const output = createWriteStream(partial, { flags: resumed ? "a" : "w" });
  let received = existing;
  options.onProgress?.(received, total);
  try {
    if (!response.body) throw new SwitchyardError("SWY_ERR_UPSTREAM_ERROR", `Download failed: ${options.url} sent no body.`);
    for await (const chunk of response.body) {
      const bytes = chunk as Uint8Array;
      hash.update(bytes);
      received += bytes.length;
      if (!output.write(bytes)) await once(output, "drain");
      options.onProgress?.(received, total);
    }
  } catch (error) {
    // The bytes written so far stay in the partial file for the next attempt to resume from.
    await closeStream(output);
    if (error instanceof SwitchyardError) throw error;
    throw new SwitchyardError("SWY_ERR_STREAM_INTERRUPTED", `Download interrupted after ${received} bytes (run the same command again to resume): ${(error as Error).message}`, {
      cause: error,
    });
  }
  await closeStream(output);
  if (total !== undefined && received !== total) {
    throw new SwitchyardError("SWY_ERR_STREAM_INTERRUPTED", `Download interrupted after ${received} of ${total} bytes (run the same command again to resume).`);
  }
  const sha256 = hash.digest("hex");
  if (options.sha256 && options.sha256.toLowerCase() !== sha256) {
    await rm(partial, { force: true });
    throw new SwitchyardError("SWY_ERR_UPSTREAM_ERROR", `Checksum mismatch for ${options.url}: expected sha256 ${options.sha256.toLowerCase()}, got ${sha256}. The file was removed.`);
  }
  await rename(partial, options.destination);
  return { sha256, sizeBytes: received, resumedFrom: resumed ? existing : 0 };
}

const HEADERS_TIMEOUT_MS = 30_000;

/** A fetch that gives up when no response headers arrive in time (no network, dead host); the body may take as long as it needs. */
async function request(url: string, headers: Record<string, string>, signal: AbortSignal | undefined): Promise<Response> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no response in ${HEADERS_TIMEOUT_MS / 1000} s`)), HEADERS_TIMEOUT_MS);
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    return await fetch(url, { headers, signal: controller.signal, redirect: "follow" });
  } catch (error) {
    const reason = controller.signal.aborted && controller.signal.reason instanceof Error ? controller.signal.reason.message : (error as Error).message;
    throw new SwitchyardError("SWY_ERR_UPSTREAM_UNAVAILABLE", `Cannot reach ${new URL(url).host}: ${reason}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

function contentRangeStart(header: string | null): number | undefined {
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(header ?? "");
  return match ? Number(match[1]) : undefined;
}

async function closeStream(stream: ReturnType<typeof createWriteStream>): Promise<void> {
  if (stream.closed) return;
  stream.end();
  await once(stream, "close");
}
