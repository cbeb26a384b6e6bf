/**
 * The model the default configuration offers with no keys: SmolLM2-360M-Instruct (Apache-2.0),
 * Q8_0, about 386 MB, with a chat template. `npx switchyard models pull <source>` fetches it.
 */
export const DEFAULT_LOCAL_MODEL = {
  /** Public model name in the default config. */
  publicName: "local",
  upstreamName: "smollm2-360m-instruct",
  source: "hf:HuggingFaceTB/SmolLM2-360M-Instruct-GGUF:Q8_0",
} as const;

/** The `local` provider and model entries of the default configuration. */
export function defaultLocalConfig(): { provider: Record<string, unknown>; model: Record<string, unknown> } {
  return {
    provider: { type: "local", models: { [DEFAULT_LOCAL_MODEL.upstreamName]: { source: DEFAULT_LOCAL_MODEL.source } } },
    model: {
      description: "SmolLM2-360M-Instruct, run in-process by llama.cpp",
      routes: [{ provider: "local", model: DEFAULT_LOCAL_MODEL.upstreamName }],
    },
  };
}
