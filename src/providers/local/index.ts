import { defineProvider } from "../contract.js";
import { localConfigSchema } from "./config.js";
import { createLocalProvider } from "./provider.js";

/** GGUF models run in this process by llama.cpp (node-llama-cpp); no key, no network. */
export const localProvider = defineProvider({
  type: "local",
  configSchema: localConfigSchema,
  create(name, config, context) {
    return createLocalProvider(name, config, context);
  },
});
