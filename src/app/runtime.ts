import type { ConfigFile } from "../config/schema.js";
import type { Logger } from "../observability/logger.js";
import type { ProviderAdapter } from "../providers/contract.js";
import type { ModelRegistry } from "../routing/model-registry.js";

/**
 * The resolved config as the app holds it (a `LiveRuntime` from `resolveConfig`). Only assembly sees
 * the whole of it: each feature is handed the pieces it reads (the model registry, the provider map,
 * a config section, the master key's presence), so no feature depends on the shape of the runtime.
 * The provider map and the model registry are the same objects for the life of the process; a
 * reload swaps their contents.
 */
export interface Runtime {
  readonly config: Readonly<ConfigFile>;
  readonly providers: ReadonlyMap<string, ProviderAdapter>;
  readonly models: ModelRegistry;
  readonly logger: Logger;
  readonly masterKey?: string;
  close(): Promise<void>;
}
