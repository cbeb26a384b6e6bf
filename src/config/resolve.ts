import { SwitchyardError } from "../core/errors.js";
import type { Logger } from "../observability/logger.js";
import type { ProviderAdapter, ProviderContext } from "../providers/contract.js";
import { findProviderDefinition, providerDefinitions } from "../providers/registry.js";
import { ModelRegistry } from "../routing/model-registry.js";
import { registerConfiguredModels } from "../routing/configured-models.js";
import { formatIssues } from "./issues.js";
import { modelHubSettings } from "../models/hub-settings.js";
import { ConfigError } from "./load.js";
import type { ConfigFile } from "./schema.js";

export interface Runtime {
  readonly config: Readonly<ConfigFile>;
  readonly providers: ReadonlyMap<string, ProviderAdapter>;
  readonly models: ModelRegistry;
  readonly logger: Logger;
  readonly masterKey?: string;
  /** `added`: the built-in providers are in; `replaced`: the config file's `providers:` section is the whole list; absent for a config object. */
  readonly builtins?: "added" | "replaced";
  close(): Promise<void>;
}

/** Resolves `env:NAME` and `none`; a plain string is a literal value. Never logs the value. */
export function createSecretResolver(env: NodeJS.ProcessEnv) {
  return (reference: string | undefined): string | undefined => {
    if (reference === undefined || reference === "none" || reference === "") return undefined;
    if (reference.startsWith("env:")) {
      const name = reference.slice(4);
      const value = env[name];
      if (value === undefined || value === "") {
        throw new SwitchyardError("SWY_ERR_INTERNAL", `environment variable ${name} is not set`);
      }
      return value;
    }
    return reference;
  };
}

/** Phase two: build providers with their own schemas, cross-check model routes, freeze. */
export function resolveConfig(
  config: ConfigFile,
  options: { logger: Logger; env?: NodeJS.ProcessEnv; source?: string; droppedBuiltins?: readonly string[]; builtins?: "added" | "replaced" },
): Runtime {
  const env = options.env ?? process.env;
  const source = options.source ?? "config";
  const problems: string[] = [];
  const resolveSecret = createSecretResolver(env);
  const hub = modelHubSettings(config, env);
  if (hub.problem) problems.push(hub.problem);
  const context: ProviderContext = { logger: options.logger, resolveSecret, dataDir: config.server.data_dir, modelHub: hub.settings };
  const providers = new Map<string, ProviderAdapter>();

  for (const [name, entry] of Object.entries(config.providers)) {
    const definition = findProviderDefinition(entry.type);
    if (!definition) {
      problems.push(
        `providers.${name}.type: unknown provider type "${entry.type}" (known: ${providerDefinitions.map((item) => item.type).join(", ")})`,
      );
      continue;
    }
    const parsed = definition.configSchema.safeParse(entry);
    if (!parsed.success) {
      problems.push(...formatIssues(parsed.error.issues, ["providers", name]));
      continue;
    }
    try {
      providers.set(name, definition.create(name, parsed.data, context));
    } catch (error) {
      problems.push(`providers.${name}: ${(error as Error).message}`);
    }
  }

  const dropped = options.droppedBuiltins ?? [];
  if (dropped.length > 0) {
    options.logger.warn(
      { notAdded: dropped },
      `${source} has a providers: section, so the built-in providers (${dropped.join(", ")}) are not added; requests such as ${dropped[0]}/<model> answer 404. Add them to providers: (e.g. local: {type: local}) or remove the section to keep the built-in ones.`,
    );
  }
  const models = new ModelRegistry(providers, dropped);
  registerConfiguredModels(config, providers, models, problems);

  if (problems.length > 0) {
    // Providers built before a later problem was found may hold resources (a local model's background download).
    void Promise.allSettled([...providers.values()].map((provider) => provider.close?.()));
    throw new ConfigError(source, problems);
  }
  const masterKey = env.SWITCHYARD_MASTER_KEY || undefined;
  return Object.freeze({
    config: Object.freeze(config),
    providers,
    models,
    logger: options.logger,
    masterKey,
    builtins: options.builtins,
    async close() {
      await Promise.allSettled([...providers.values()].map((provider) => provider.close?.()));
    },
  });
}
