import type { LoadedConfig } from "./load.js";
import type { ConfigFile } from "./schema.js";
import { builtinProviders, droppedBuiltinProviders } from "./defaults.js";

/**
 * The built-in defaults rule, second half: once stored credentials are readable (after the database
 * opens), a built-in hosted provider whose key was stored through the admin API joins too. A config
 * whose own `providers:` section replaced the defaults gets the names it left out, for the start-up
 * warning and 404 hints. A config object (tests, embedding) is taken as given.
 */
export function applyBuiltinProviders(loaded: Pick<LoadedConfig, "config"> & Partial<Pick<LoadedConfig, "builtins">>, env: NodeJS.ProcessEnv): { config: ConfigFile; dropped: string[] } {
  if (loaded.builtins === "added") {
    return { config: { ...loaded.config, providers: { ...builtinProviders(env), ...loaded.config.providers } }, dropped: [] };
  }
  if (loaded.builtins === "replaced") return { config: loaded.config, dropped: droppedBuiltinProviders(loaded.config.providers, env) };
  return { config: loaded.config, dropped: [] };
}
