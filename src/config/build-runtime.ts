import { createHash } from "node:crypto";
import type { Logger } from "../observability/logger.js";
import type { ProviderAdapter, ProviderContext } from "../providers/contract.js";
import { findProviderDefinition, providerDefinitions } from "../providers/registry.js";
import { ModelRegistry, type ModelEntry } from "../routing/model-registry.js";
import { registerConfiguredModels } from "../routing/configured-models.js";
import { formatIssues } from "./issues.js";
import { modelHubSettings } from "../models/hub-settings.js";
import { ConfigError } from "./load.js";
import type { ConfigFile } from "./schema.js";
import { createSecretResolver } from "./secrets.js";

/** One built provider, with what it was built from, so an unchanged entry keeps its adapter (pools, loaded models). */
export interface BuiltProvider {
  adapter: ProviderAdapter;
  /** The entry as written, serialised with sorted keys. */
  entryKey: string;
  /** Every secret reference the factory resolved, with a hash of the value it got. */
  secrets: Array<{ reference: string; digest: string | undefined }>;
}

/** Providers and configured models built from one config, not yet serving. */
export interface RuntimeParts {
  config: Readonly<ConfigFile>;
  providers: ReadonlyMap<string, BuiltProvider>;
  /** The `models:` entries (origin `config`), routes bound to `providers`. */
  entries: ModelEntry[];
}

export interface BuildOptions {
  logger: Logger;
  env: NodeJS.ProcessEnv;
  source: string;
  /** The parts now serving: their providers are reused where the entry and its secrets are unchanged. */
  previous?: RuntimeParts;
  /** Providers whose secrets must be `env:` references (those given through the admin API, which never hold a secret itself). */
  referencesOnly?: ReadonlySet<string>;
}

const digest = (value: string | undefined) => (value === undefined ? undefined : createHash("sha256").update(value).digest("base64"));

/** Phase two: build providers with their own schemas and cross-check model routes, reporting every problem. */
export function buildRuntimeParts(config: ConfigFile, options: BuildOptions): RuntimeParts {
  const problems: string[] = [];
  const resolveSecret = createSecretResolver(options.env);
  const hub = modelHubSettings(config, options.env);
  if (hub.problem) problems.push(hub.problem);
  const providers = new Map<string, BuiltProvider>();

  for (const [name, entry] of Object.entries(config.providers)) {
    const entryKey = stableJson(entry);
    const previous = options.previous?.providers.get(name);
    const literal = options.referencesOnly?.has(name) && previous?.secrets.some(({ reference }) => !isReference(reference));
    if (previous && previous.entryKey === entryKey && !literal && sameSecrets(previous, resolveSecret)) {
      providers.set(name, previous);
      continue;
    }
    const definition = findProviderDefinition(entry.type);
    if (!definition) {
      problems.push(`providers.${name}.type: unknown provider type "${entry.type}" (known: ${providerDefinitions.map((item) => item.type).join(", ")})`);
      continue;
    }
    const parsed = definition.configSchema.safeParse(entry);
    if (!parsed.success) {
      problems.push(...formatIssues(parsed.error.issues, ["providers", name]));
      continue;
    }
    const secrets: BuiltProvider["secrets"] = [];
    const context: ProviderContext = {
      logger: options.logger,
      dataDir: config.server.data_dir,
      modelHub: hub.settings,
      resolveSecret: (reference) => {
        if (options.referencesOnly?.has(name) && reference !== undefined && !isReference(reference)) {
          throw new Error("give credentials as env:NAME (a stored credential or an environment variable), not as literal values");
        }
        const value = resolveSecret(reference);
        if (reference !== undefined) secrets.push({ reference, digest: digest(value) });
        return value;
      },
    };
    try {
      providers.set(name, { adapter: definition.create(name, parsed.data, context), entryKey, secrets });
    } catch (error) {
      problems.push(`providers.${name}: ${(error as Error).message}`);
    }
  }

  const adapters = new Map([...providers].map(([name, built]) => [name, built.adapter] as const));
  const models = new ModelRegistry(adapters);
  registerConfiguredModels(config, adapters, models, problems);

  if (problems.length > 0) {
    // Adapters made for this attempt are not used by anyone: close them now. Reused ones keep serving.
    for (const [name, built] of providers) if (options.previous?.providers.get(name) !== built) void built.adapter.close?.();
    throw new ConfigError(options.source, problems);
  }
  return { config: Object.freeze(config), providers, entries: models.list() };
}

/** `env:NAME`, `none` or empty: anything else handed to resolveSecret is a literal secret. */
export function isReference(value: string): boolean {
  return value === "" || value === "none" || value.startsWith("env:");
}

function sameSecrets(previous: BuiltProvider, resolveSecret: (reference: string) => string | undefined): boolean {
  return previous.secrets.every(({ reference, digest: before }) => {
    try {
      return digest(resolveSecret(reference)) === before;
    } catch {
      return false;
    }
  });
}

/** JSON with object keys sorted, so two equal entries compare equal whatever their key order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === "object" && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([left], [right]) => left.localeCompare(right)))
      : item,
  );
}
