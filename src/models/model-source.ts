import { SwitchyardError } from "../core/errors.js";

/** Where `models pull` gets a model from. */
export type ModelSource =
  | { kind: "hf"; repository: string; revision: string; quant?: string; file?: string }
  | { kind: "url"; url: string };

const HF_REPOSITORY = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * `hf:owner/repo:quant` (a quantisation such as Q4_K_M, matched in the repository's file names),
 * `hf:owner/repo/path/file.gguf`, `hf:owner/repo` (its only GGUF file), optionally `@revision`
 * after the repository; or a plain http(s) URL.
 */
export function parseModelSource(source: string): ModelSource {
  if (/^https?:\/\//i.test(source)) {
    try {
      return { kind: "url", url: new URL(source).toString() };
    } catch {
      throw invalid(source, "it is not a valid URL");
    }
  }
  if (!source.startsWith("hf:")) throw invalid(source, "use hf:owner/repo:quant, hf:owner/repo/file.gguf or an http(s) URL");
  let rest = source.slice(3);
  let quant: string | undefined;
  const colon = rest.indexOf(":");
  if (colon >= 0) {
    quant = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!/^[A-Za-z0-9_.-]+$/.test(quant)) throw invalid(source, `'${quant}' is not a quantisation name`);
  }
  const parts = rest.split("/");
  let repository = parts.slice(0, 2).join("/");
  let revision = "main";
  const at = repository.indexOf("@");
  if (at >= 0) {
    revision = repository.slice(at + 1);
    repository = repository.slice(0, at);
  }
  if (!HF_REPOSITORY.test(repository)) throw invalid(source, "the repository must be owner/name");
  const file = parts.length > 2 ? parts.slice(2).join("/") : undefined;
  if (file !== undefined && (!file.endsWith(".gguf") || file.split("/").includes(".."))) throw invalid(source, "the file must be a .gguf path");
  if (file !== undefined && quant !== undefined) throw invalid(source, "give a file or a quantisation, not both");
  return { kind: "hf", repository, revision, quant, file };
}

function invalid(source: string, reason: string): SwitchyardError {
  return new SwitchyardError("SWY_ERR_INVALID_REQUEST", `Cannot pull '${source}': ${reason}.`);
}
