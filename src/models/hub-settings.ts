import type { ConfigFile } from "../config/schema.js";

export const DEFAULT_MODEL_HUB = "https://huggingface.co";

/** Where local models come from and whether missing ones are fetched at start. */
export interface ModelHubSettings {
  /** Fetch configured local models that have a `source` and are missing, in the background. */
  autoDownload: boolean;
  /** Hugging Face endpoint for `hf:` sources. */
  endpoint: string;
  /** HF_TOKEN, sent to the hub only, for gated repositories. */
  token?: string;
}

const OFF = new Set(["0", "false", "off", "no"]);
const ON = new Set(["1", "true", "on", "yes"]);

/**
 * `server.auto_download` unless SWITCHYARD_AUTO_DOWNLOAD says otherwise; `server.model_hub`, else
 * HF_ENDPOINT, else the public hub. Returns a problem line for a value it cannot read.
 */
export function modelHubSettings(config: Pick<ConfigFile, "server">, env: NodeJS.ProcessEnv): { settings: ModelHubSettings; problem?: string } {
  const flag = env.SWITCHYARD_AUTO_DOWNLOAD?.trim().toLowerCase();
  let autoDownload = config.server.auto_download;
  let problem: string | undefined;
  if (flag !== undefined && flag !== "") {
    if (OFF.has(flag)) autoDownload = false;
    else if (ON.has(flag)) autoDownload = true;
    else {
      autoDownload = false;
      problem = `SWITCHYARD_AUTO_DOWNLOAD: expected 0 or 1 (also false/true, off/on), got "${env.SWITCHYARD_AUTO_DOWNLOAD}"`;
    }
  }
  const endpoint = (config.server.model_hub ?? (env.HF_ENDPOINT || DEFAULT_MODEL_HUB)).replace(/\/+$/, "");
  return { settings: { autoDownload, endpoint, token: env.HF_TOKEN || undefined }, problem };
}
