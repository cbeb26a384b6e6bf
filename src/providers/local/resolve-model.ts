import { access } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { SwitchyardError } from "../../core/errors.js";
import { findPulledFile, isPlainFileName } from "../../models/store.js";
import type { LocalConfig } from "./config.js";
import type { ModelSettings } from "./model-pool.js";

const exists = (path: string) => access(path).then(() => true, () => false);

/**
 * An upstream model name -> its file and settings: a configured name (by `file`, else by the file
 * `models pull <source>` saved), or a plain file name in the models directory (with or without `.gguf`).
 */
export async function resolveLocalModel(name: string, config: LocalConfig, modelsDir: string): Promise<ModelSettings> {
  const configured = config.models[name];
  const base = { label: name, contextSize: configured?.context_size ?? config.context_size, parallel: configured?.parallel ?? config.parallel, queueSize: config.queue_size };
  if (configured) {
    const candidates: string[] = [];
    if (configured.file) candidates.push(isAbsolute(configured.file) ? configured.file : resolve(modelsDir, configured.file));
    if (configured.source) {
      const pulled = await findPulledFile(modelsDir, configured.source);
      if (pulled) candidates.push(pulled);
    }
    for (const path of candidates) if (await exists(path)) return { ...base, path };
    const looked = candidates.length > 0 ? ` (looked for ${candidates.join(", ")})` : ` (nothing pulled into ${modelsDir})`;
    const pull = configured.source ? ` Pull it with: npx switchyard models pull ${configured.source}` : "";
    throw new SwitchyardError("SWY_ERR_MODEL_UNAVAILABLE", `The local model '${name}' is not downloaded yet${looked}.${pull}`, {
      retryable: true,
    });
  }
  if (!isPlainFileName(name)) {
    throw new SwitchyardError("SWY_ERR_MODEL_NOT_FOUND", `The local model '${name}' is not a configured name or a file name in the models directory.`, {
      param: "model",
    });
  }
  for (const file of name.endsWith(".gguf") ? [name] : [`${name}.gguf`, name]) {
    const path = join(modelsDir, file);
    if (await exists(path)) return { ...base, path };
  }
  throw new SwitchyardError(
    "SWY_ERR_MODEL_NOT_FOUND",
    `No local model '${name}' in ${modelsDir}. Pull one with: npx switchyard models pull <hf:owner/repo:quant | url>`,
    { param: "model" },
  );
}
