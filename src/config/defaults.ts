import { DEFAULT_LOCAL_MODEL, defaultLocalConfig } from "../providers/local/default-model.js";

type ProviderEntry = { type: string } & Record<string, unknown>;

/** A hosted provider the built-in defaults add when its key is in the environment (or stored through the admin API). */
export interface HostedDefault {
  provider: string;
  /** The provider family it is built as. */
  type: string;
  /** The environment variable (or stored credential name) that holds its key. */
  keyName: string;
  entry(env: NodeJS.ProcessEnv): ProviderEntry | undefined;
}

export const HOSTED_DEFAULTS: readonly HostedDefault[] = [
  keyed("openai", "OPENAI_API_KEY", "openai"),
  keyed("anthropic", "ANTHROPIC_API_KEY", "anthropic"),
  keyed("gemini", "GEMINI_API_KEY", "gemini"),
  keyed("mistral", "MISTRAL_API_KEY", "mistral"),
  {
    provider: "bedrock",
    type: "bedrock",
    keyName: "AWS_ACCESS_KEY_ID",
    // Bedrock takes the standard AWS credential chain; a region says the user means to use it.
    entry: (env) => (env.AWS_REGION && env.AWS_ACCESS_KEY_ID ? { type: "bedrock", region: env.AWS_REGION } : undefined),
  },
];

function keyed(provider: string, keyName: string, type: string): HostedDefault {
  return { provider, type, keyName, entry: (env) => (env[keyName] ? { type, api_key: `env:${keyName}` } : undefined) };
}

/**
 * The built-in providers: every hosted provider whose key is in the environment, plus the
 * in-process local models, which need no key (`npm start` always offers one).
 */
export function builtinProviders(env: NodeJS.ProcessEnv): Record<string, ProviderEntry> {
  const providers: Record<string, ProviderEntry> = {};
  for (const hosted of HOSTED_DEFAULTS) {
    const entry = hosted.entry(env);
    if (entry) providers[hosted.provider] = entry;
  }
  providers.local = { ...defaultLocalConfig().provider, type: "local" };
  return providers;
}

/** The built-in public models: `local`, the default local model. */
export function builtinModels(): Record<string, Record<string, unknown>> {
  return { [DEFAULT_LOCAL_MODEL.publicName]: defaultLocalConfig().model };
}

/** The configuration used when no file is given. */
export function defaultConfig(env: NodeJS.ProcessEnv): Record<string, unknown> {
  return { providers: builtinProviders(env), models: builtinModels() };
}

/**
 * The rule for a config file: without a `providers:` section it keeps the built-in providers and
 * models (its own models win on a name clash), so a file that only sets `server:` options changes
 * nothing else. With `providers:` the file's providers are the only ones.
 */
export function withBuiltinDefaults(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  if (raw.providers !== undefined) return raw;
  const models = raw.models ?? {};
  // A `models` value of the wrong type stays as it is, for the schema to report.
  const merged = typeof models === "object" && models !== null && !Array.isArray(models) ? { ...builtinModels(), ...models } : models;
  return { ...raw, providers: builtinProviders(env), models: merged };
}

/** Built-in provider names a config's own `providers:` section leaves out (for the start-up warning and 404 hints). */
export function droppedBuiltinProviders(configured: Readonly<Record<string, unknown>>, env: NodeJS.ProcessEnv): string[] {
  return Object.keys(builtinProviders(env)).filter((name) => !(name in configured));
}
