import { anthropicProvider } from "./anthropic/index.js";
import type { ProviderDefinition } from "./contract.js";
import { azureOpenaiProvider, openaiProvider } from "./openai-compatible/index.js";
import { bedrockProvider } from "./bedrock/index.js";
import { geminiProvider } from "./gemini/index.js";
import { mistralProvider } from "./mistral/index.js";
import { localProvider } from "./local/index.js";

/** Every provider family Switchyard knows. Add a family here (see CONTRIBUTING.md). */
export const providerDefinitions: readonly ProviderDefinition[] = [
  openaiProvider as unknown as ProviderDefinition,
  azureOpenaiProvider as unknown as ProviderDefinition,
  geminiProvider as unknown as ProviderDefinition,
  bedrockProvider as unknown as ProviderDefinition,
  mistralProvider as unknown as ProviderDefinition,
  localProvider as unknown as ProviderDefinition,
  anthropicProvider as unknown as ProviderDefinition,
];

export function findProviderDefinition(type: string): ProviderDefinition | undefined {
  return providerDefinitions.find((definition) => definition.type === type);
}
