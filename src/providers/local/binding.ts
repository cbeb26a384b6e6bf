import type * as LlamaModule from "node-llama-cpp";

let binding: Promise<typeof LlamaModule> | undefined;

/**
 * node-llama-cpp, loaded on first use: it is tens of megabytes of JavaScript and native code that a
 * gateway serving no local model never needs in memory.
 */
export function llamaBinding(): Promise<typeof LlamaModule> {
  binding ??= import("node-llama-cpp");
  return binding;
}
