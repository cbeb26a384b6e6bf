import { DEFAULT_LOCAL_MODEL, defaultLocalConfig } from "../providers/local/default-model.js";

/**
 * The configuration used when no file is given: every hosted provider whose key is in the
 * environment. Providers that need no key (the in-process local models) add themselves here.
 */
export function defaultConfig(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const providers: Record<string, Record<string, unknown>> = {};
  if (env.OPENAI_API_KEY) providers.openai = { type: "openai", api_key: "env:OPENAI_API_KEY" };
  if (env.ANTHROPIC_API_KEY) providers.anthropic = { type: "anthropic", api_key: "env:ANTHROPIC_API_KEY" };
  // A local model needs no key: `npm start` always offers one (it answers 503 with the pull command until pulled).
  const local = defaultLocalConfig();
  providers.local = local.provider;
  return { providers, models: { [DEFAULT_LOCAL_MODEL.publicName]: local.model } };
}
