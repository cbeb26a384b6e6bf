import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sharedModel } from "../helpers/shared-models.js";
import { CHATML_TEMPLATE, writeTinyLlamaGguf } from "./gguf-writer.js";

/** ../shared/models/stories260K.gguf: a real TinyStories model, used when present (and required on CI). */
export const STORIES_MODEL = sharedModel("stories260K.gguf") ?? "";
export const hasStories = STORIES_MODEL !== "";

export interface ModelFixtures {
  dataDir: string;
  modelsDir: string;
  /** A tiny random model with a ChatML template. */
  chatModel: string;
  /** The same without a template (a base model). */
  baseModel: string;
  cleanup(): void;
}

/** A data directory with generated tiny models in `models/`. */
export function createModelFixtures(): ModelFixtures {
  const dataDir = mkdtempSync(join(tmpdir(), "swy-local-"));
  const modelsDir = join(dataDir, "models");
  mkdirSync(modelsDir, { recursive: true });
  const chatModel = writeTinyLlamaGguf(join(modelsDir, "tiny-chat.gguf"), { chatTemplate: CHATML_TEMPLATE, seed: 7 });
  const baseModel = writeTinyLlamaGguf(join(modelsDir, "tiny-base.gguf"), { seed: 11 });
  return { dataDir, modelsDir, chatModel, baseModel, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) };
}

/** A gateway config serving the fixtures through a `local` provider at one thread. */
export function localConfig(fixtures: ModelFixtures, provider: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    server: { data_dir: fixtures.dataDir, log_level: "silent" },
    providers: { local: { type: "local", threads: 1, context_size: 1024, parallel: 2, probe_load: false, ...provider } },
    models: {
      "tiny-chat": { routes: [{ provider: "local", model: "tiny-chat" }] },
      "tiny-base": { routes: [{ provider: "local", model: "tiny-base" }] },
    },
  };
}
