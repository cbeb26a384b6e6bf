import { existsSync, readFileSync } from "node:fs";
import { extname } from "node:path";
import { parse as parseYaml } from "yaml";
import { configSchema, type ConfigFile } from "./schema.js";
import { formatIssues } from "./issues.js";
import { droppedBuiltinProviders, withBuiltinDefaults } from "./defaults.js";

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`Invalid configuration in ${source}:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

export interface LoadOptions {
  /** Path given with --config or SWITCHYARD_CONFIG. */
  path?: string;
  env?: NodeJS.ProcessEnv;
  /** Where built-in hosted providers look for their keys: `env` with the stored credentials under it (defaults to `env`). */
  builtinEnv?: NodeJS.ProcessEnv;
}

export interface LoadedConfig {
  config: ConfigFile;
  source: string;
  /**
   * `added`: the built-in providers are in (no file, or a file without `providers:`); `replaced`: the
   * file's `providers:` section is the whole list.
   */
  builtins: "added" | "replaced";
  /** With `replaced`: the built-in providers the file's section leaves out (for the start-up warning and 404 hints). */
  droppedBuiltins: string[];
}

/** Phase one: read the file (YAML or JSON), apply env overrides and the built-in defaults rule, validate strictly. */
export function loadConfigFile(options: LoadOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const path = options.path ?? env.SWITCHYARD_CONFIG ?? (existsSync("switchyard.yaml") ? "switchyard.yaml" : undefined);
  let raw: unknown;
  let source = "built-in defaults";
  if (path === undefined) {
    // No file: the built-in defaults alone (added below, as for a file without `providers:`).
    raw = {};
  } else {
    source = path;
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      throw new ConfigError(path, [`cannot read file: ${(error as Error).message}`]);
    }
    raw = parseText(text, path) ?? {};
  }
  const plain = typeof raw === "object" && raw !== null && !Array.isArray(raw);
  const builtins = plain && (raw as Record<string, unknown>).providers !== undefined ? "replaced" : "added";
  if (plain) raw = withBuiltinDefaults(raw as Record<string, unknown>, options.builtinEnv ?? env);
  const config = parseConfig(applyEnv(raw, env), source);
  const droppedBuiltins = builtins === "replaced" ? droppedBuiltinProviders(config.providers, options.builtinEnv ?? env) : [];
  return { config, source, builtins, droppedBuiltins };
}

export function parseConfig(raw: unknown, source = "config"): ConfigFile {
  const result = configSchema.safeParse(raw ?? {});
  if (!result.success) throw new ConfigError(source, formatIssues(result.error.issues));
  return result.data;
}

function parseText(text: string, path: string): unknown {
  try {
    return extname(path) === ".json" ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(path, [`not valid ${extname(path) === ".json" ? "JSON" : "YAML"}: ${(error as Error).message}`]);
  }
}

/** SWITCHYARD_HOST, SWITCHYARD_PORT, SWITCHYARD_DATA_DIR and SWITCHYARD_LOG_LEVEL override the file. */
function applyEnv(raw: unknown, env: NodeJS.ProcessEnv): unknown {
  if (raw !== null && raw !== undefined && (typeof raw !== "object" || Array.isArray(raw))) return raw;
  const config = { ...((raw ?? {}) as Record<string, unknown>) };
  const serverValue = config.server;
  if (serverValue !== undefined && (typeof serverValue !== "object" || serverValue === null)) return config;
  const server = { ...((serverValue ?? {}) as Record<string, unknown>) };
  if (env.SWITCHYARD_HOST) server.host = env.SWITCHYARD_HOST;
  if (env.SWITCHYARD_PORT) server.port = Number(env.SWITCHYARD_PORT);
  if (env.SWITCHYARD_DATA_DIR) server.data_dir = env.SWITCHYARD_DATA_DIR;
  if (env.SWITCHYARD_LOG_LEVEL) server.log_level = env.SWITCHYARD_LOG_LEVEL;
  if (Object.keys(server).length > 0) config.server = server;
  return config;
}
