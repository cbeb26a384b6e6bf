import { availableParallelism } from "node:os";
import type { Llama } from "node-llama-cpp";
import { llamaBinding } from "./binding.js";

let llama: Promise<Llama> | undefined;

/** The one llama.cpp binding of the process: CPU build that ships with node-llama-cpp, never compiled or downloaded. */
export function getEngine(): Promise<Llama> {
  llama ??= llamaBinding()
    .then(({ getLlama, LlamaLogLevel }) => getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error }))
    .catch((error: unknown) => {
      llama = undefined;
      throw error;
    });
  return llama;
}

/**
 * Threads for a model. More threads than cores makes llama.cpp spin-wait against itself
 * (on two cores the library default ran about 1000x slower), so the machine's parallelism is a hard cap.
 */
export function resolveThreads(configured: number | undefined): number {
  const cores = Math.max(1, availableParallelism());
  return Math.min(configured ?? cores, cores);
}
