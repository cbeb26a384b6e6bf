import { resolve } from "node:path";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { loadConfigFile } from "../config/load.js";
import type { ConfigFile } from "../config/schema.js";
import { DEFAULT_MODEL_HUB, modelHubSettings } from "../models/hub-settings.js";
import { isSwitchyardError } from "../core/errors.js";
import { pullModel } from "../models/pull.js";
import { listStoredModels, modelsDirectory } from "../models/store.js";

const usage = `Usage:
  switchyard models pull <source> [--sha256 HEX] [--data-dir DIR | --models-dir DIR] [--config FILE]
  switchyard models list [--data-dir DIR | --models-dir DIR] [--config FILE]

Sources: hf:owner/repo:QUANT   hf:owner/repo/file.gguf   https://host/path/model.gguf
An interrupted pull resumes when run again. HF_TOKEN is sent to Hugging Face for gated repositories.
`;

/** `switchyard models pull|list`: the models directory inside the data directory. */
export async function modelsCommand(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      sha256: { type: "string" },
      "data-dir": { type: "string" },
      "models-dir": { type: "string" },
      config: { type: "string", short: "c" },
    },
    strict: true,
  });
  const config = readConfig(values.config);
  const directory = values["models-dir"] ? resolve(values["models-dir"]) : modelsDirectory(values["data-dir"] ?? config?.server.data_dir ?? "./data");
  // The same hub the server downloads from: server.model_hub, else HF_ENDPOINT, else the public one.
  const hub = config ? modelHubSettings(config, process.env).settings : { endpoint: process.env.HF_ENDPOINT || DEFAULT_MODEL_HUB, token: process.env.HF_TOKEN };
  try {
    if (action === "pull" && positionals.length === 1) return await pull(positionals[0]!, directory, values.sha256, hub);
    if (action === "list" && positionals.length === 0) return await list(directory);
  } catch (error) {
    process.stderr.write(`\n${isSwitchyardError(error) ? error.message : error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  process.stderr.write(usage);
  return 1;
}

/** The config file, when it can be read; `models` works without one. */
function readConfig(path: string | undefined): ConfigFile | undefined {
  try {
    return loadConfigFile({ path }).config;
  } catch {
    return undefined;
  }
}

async function pull(source: string, modelsDir: string, sha256: string | undefined, hub: { endpoint: string; token?: string }): Promise<number> {
  const bar = new cliProgress.SingleBar(
    { format: "{file} [{bar}] {percentage}% | {valueMb}/{totalMb} MB | {speed} MB/s", hideCursor: true, etaBuffer: 50 },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  let file = "";
  let startedBar = false;
  const result = await pullModel({
    source,
    modelsDir,
    sha256,
    endpoint: hub.endpoint,
    token: hub.token,
    onStart: (name) => {
      file = name;
    },
    onProgress: (received, total) => {
      const payload = {
        file,
        valueMb: (received / 1048576).toFixed(1),
        totalMb: total === undefined ? "?" : (total / 1048576).toFixed(1),
        speed: (received / 1048576 / Math.max(0.001, (Date.now() - started) / 1000)).toFixed(1),
      };
      if (!startedBar) {
        startedBar = true;
        bar.start(total ?? 0, received, payload);
      }
      bar.update(received, payload);
    },
  }).finally(() => {
    if (startedBar) bar.stop();
  });
  const resumed = result.resumedFrom > 0 ? ` (resumed from ${(result.resumedFrom / 1048576).toFixed(1)} MB)` : "";
  process.stdout.write(
    `Saved ${result.path}${resumed}\n  architecture ${result.summary.architecture}, context ${result.summary.contextLength}, ${result.summary.chatTemplate ? "chat template" : "no chat template (base model: /v1/completions)"}\n  sha256 ${result.entry.sha256}\n`,
  );
  return 0;
}

async function list(modelsDir: string): Promise<number> {
  const models = await listStoredModels(modelsDir);
  if (models.length === 0) {
    process.stdout.write(`No models in ${modelsDir}. Pull one with: switchyard models pull <source>\n`);
    return 0;
  }
  for (const model of models) {
    const size = `${(model.sizeBytes / 1048576).toFixed(1)} MB`.padStart(10);
    process.stdout.write(`${model.file.replace(/\.gguf$/, "").padEnd(48)} ${size}  ${model.source ?? "(copied in)"}\n`);
  }
  return 0;
}
