import type { Logger } from "../observability/logger.js";
import { buildRuntimeParts } from "./build-runtime.js";
import { LiveRuntime } from "./live-runtime.js";
import type { ConfigFile } from "./schema.js";

export { createSecretResolver } from "./secrets.js";

/** Phase two: build providers with their own schemas, cross-check model routes, serve the result. */
export function resolveConfig(config: ConfigFile, options: { logger: Logger; env?: NodeJS.ProcessEnv; source?: string; referencesOnly?: ReadonlySet<string> }): LiveRuntime {
  const env = options.env ?? process.env;
  const parts = buildRuntimeParts(config, { logger: options.logger, env, source: options.source ?? "config", referencesOnly: options.referencesOnly });
  return new LiveRuntime(parts, options.logger, env.SWITCHYARD_MASTER_KEY || undefined);
}
