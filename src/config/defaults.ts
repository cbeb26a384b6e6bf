import { DEFAULT_LOCAL_MODEL, defaultLocalConfig } from "../providers/local/default-model.js";

/**
 * The configuration used when no file is given: every hosted provider whose key is in the
 * environment. Providers that need no key (the in-process local models) add themselves here.
 */
export function defaultConfig(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const providers: Record<string, Record<string, unknown>> = {};
  if (env.OPENAI_API_KEY) providers.openai = { type: "openai", api_key: "env:OPENAI_API_KEY" };
  if (env.ANTHROPIC_API_KEY) providers.anthropic = { type: "anthropic", api_key: "env:ANTHROPIC_API_KEY" };
  if (env.GEMINI_API_KEY) providers.gemini = { type: "gemini", api_key: "env:GEMINI_API_KEY" };
  if (env.MISTRAL_API_KEY) providers.mistral = { type: "mistral", api_key: "env:MISTRAL_API_KEY" };
  // Bedrock takes the standard AWS credential chain; a region says the user means to use it.
  if (env.AWS_REGION && env.AWS_ACCESS_KEY_ID) providers.bedrock = { type: "bedrock", region: env.AWS_REGION };
  // A local model needs no key: `npm start` always offers one (it answers 503 with the pull command until pulled).
  const local = defaultLocalConfig();
  providers.local = local.provider;
  return { providers, models: { [DEFAULT_LOCAL_MODEL.publicName]: local.model } };
}
