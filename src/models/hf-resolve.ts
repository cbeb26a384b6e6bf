import { z } from "zod";
import { SwitchyardError } from "../core/errors.js";
import type { ModelSource } from "./model-source.js";

export interface ResolvedDownload {
  url: string;
  /** The file name to save as. */
  file: string;
  /** Expected sha256 when the host publishes one (Hugging Face LFS files do). */
  sha256?: string;
  sizeBytes?: number;
}

const CONNECT_TIMEOUT_MS = 30_000;

const treeSchema = z.array(
  z.object({
    type: z.string(),
    path: z.string(),
    size: z.number().optional(),
    lfs: z.object({ oid: z.string(), size: z.number().optional() }).nullish(),
  }),
);

export interface ResolveOptions {
  /** Hugging Face endpoint; `HF_ENDPOINT` overrides the public one. */
  endpoint?: string;
  token?: string;
  signal?: AbortSignal;
}

/** Finds the file, download URL and checksum for a source (one call to the Hugging Face tree API). */
export async function resolveDownload(source: ModelSource, options: ResolveOptions = {}): Promise<ResolvedDownload> {
  if (source.kind === "url") {
    const name = decodeURIComponent(new URL(source.url).pathname.split("/").pop() ?? "");
    return { url: source.url, file: /^[A-Za-z0-9][A-Za-z0-9._-]*\.gguf$/.test(name) ? name : `${name.replace(/[^A-Za-z0-9._-]/g, "_") || "model"}.gguf` };
  }
  const endpoint = (options.endpoint ?? "https://huggingface.co").replace(/\/+$/, "");
  const treeUrl = `${endpoint}/api/models/${source.repository}/tree/${encodeURIComponent(source.revision)}?recursive=true`;
  const signals = [AbortSignal.timeout(CONNECT_TIMEOUT_MS), ...(options.signal ? [options.signal] : [])];
  const response = await fetch(treeUrl, { headers: authorization(options.token), signal: AbortSignal.any(signals) }).catch((error: unknown) => {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new SwitchyardError("SWY_ERR_UPSTREAM_UNAVAILABLE", `Cannot reach ${endpoint}: ${(error as Error).message}${cause ? ` (${cause})` : ""}`, { cause: error });
  });
  if (!response.ok) {
    throw new SwitchyardError(
      response.status === 404 ? "SWY_ERR_UPSTREAM_NOT_FOUND" : "SWY_ERR_UPSTREAM_ERROR",
      `Hugging Face answered ${response.status} for ${source.repository}@${source.revision}${response.status === 401 ? " (set HF_TOKEN for gated or private repositories)" : ""}.`,
    );
  }
  const parsed = treeSchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new SwitchyardError("SWY_ERR_UPSTREAM_ERROR", "Hugging Face returned an unreadable file list.");
  const ggufs = parsed.data.filter((entry) => entry.type === "file" && entry.path.endsWith(".gguf"));
  const chosen = choose(ggufs, source);
  return {
    url: `${endpoint}/${source.repository}/resolve/${encodeURIComponent(source.revision)}/${chosen.path.split("/").map(encodeURIComponent).join("/")}`,
    file: chosen.path.split("/").pop()!,
    sha256: chosen.lfs?.oid,
    sizeBytes: chosen.lfs?.size ?? chosen.size,
  };
}

type Entry = z.infer<typeof treeSchema>[number];

function choose(ggufs: Entry[], source: Extract<ModelSource, { kind: "hf" }>): Entry {
  const where = `${source.repository}@${source.revision}`;
  if (source.file) {
    const found = ggufs.find((entry) => entry.path === source.file);
    if (!found) throw new SwitchyardError("SWY_ERR_UPSTREAM_NOT_FOUND", `${where} has no file ${source.file}.`);
    return found;
  }
  // Split models (-00001-of-00003) need every part; only single files are pulled.
  const single = ggufs.filter((entry) => !/-\d{5}-of-\d{5}\.gguf$/.test(entry.path) && !/mmproj/i.test(entry.path));
  const quant = source.quant?.toUpperCase();
  const matches = quant
    ? single.filter((entry) => new RegExp(`(^|[^A-Z0-9])${quant.replace(/[.]/g, "\\.")}([^A-Z0-9]|$)`).test(entry.path.split("/").pop()!.toUpperCase()))
    : single;
  if (matches.length === 1 || (matches.length > 1 && quant)) return matches.sort((a, b) => a.path.length - b.path.length)[0]!;
  const available = single.map((entry) => entry.path).join(", ") || "none";
  throw new SwitchyardError(
    "SWY_ERR_UPSTREAM_NOT_FOUND",
    matches.length === 0
      ? `${where} has no single-file GGUF${quant ? ` for ${quant}` : ""}. Files: ${available}.`
      : `${where} has several GGUF files; name one with :QUANT or /file.gguf. Files: ${available}.`,
  );
}

export function authorization(token: string | undefined): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}
