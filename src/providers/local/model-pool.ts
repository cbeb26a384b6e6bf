import type { LlamaContext, LlamaContextSequence, LlamaEmbeddingContext, LlamaModel } from "node-llama-cpp";
import { SwitchyardError } from "../../core/errors.js";
import type { Logger } from "../../observability/logger.js";
import { validateGgufFile, type GgufSummary } from "../../models/gguf-validation.js";
import { probeModelLoad } from "../../models/load-probe.js";
import { getEngine } from "./engine.js";
import { Slots } from "./slots.js";

export interface ModelSettings {
  /** Name used in messages (the upstream model name). */
  label: string;
  path: string;
  contextSize: number;
  parallel: number;
  queueSize: number;
}

export interface PoolSettings {
  threads: number;
  budgetBytes: number;
  probeLoad: boolean;
  logger: Logger;
}

/** A model loaded in this process, with one context whose sequences are decoded together in batches. */
export interface LoadedModel {
  readonly settings: ModelSettings;
  readonly summary: GgufSummary;
  readonly model: LlamaModel;
  readonly context: LlamaContext;
  readonly slots: Slots;
  lastUsed: number;
  embedding?: Promise<{ context: LlamaEmbeddingContext; slots: Slots }>;
}

/** A sequence held for one request; `release` returns it (and its slot). */
export interface Lease {
  loaded: LoadedModel;
  sequence: LlamaContextSequence;
  release(): void;
}

/** Loads models on first use and unloads the least recently used idle ones to stay under a memory budget. */
export class ModelPool {
  private readonly loaded = new Map<string, LoadedModel>();
  private readonly loading = new Map<string, Promise<LoadedModel>>();

  constructor(private readonly settings: PoolSettings) {}

  async get(model: ModelSettings): Promise<LoadedModel> {
    const existing = this.loaded.get(model.path);
    if (existing) {
      existing.lastUsed = Date.now();
      return existing;
    }
    let pending = this.loading.get(model.path);
    if (!pending) {
      pending = this.load(model).finally(() => this.loading.delete(model.path));
      this.loading.set(model.path, pending);
    }
    return pending;
  }

  /** Waits for a free sequence on the model (bounded queue), loading the model first if needed. */
  async lease(model: ModelSettings, signal: AbortSignal): Promise<Lease> {
    const loaded = await this.get(model);
    const release = await loaded.slots.acquire(signal);
    let sequence: LlamaContextSequence;
    try {
      sequence = loaded.context.getSequence();
    } catch (error) {
      release();
      throw new SwitchyardError("SWY_ERR_MODEL_UNAVAILABLE", `No free sequence on the local model '${model.label}'.`, { cause: error });
    }
    loaded.lastUsed = Date.now();
    return {
      loaded,
      sequence,
      release: () => {
        loaded.lastUsed = Date.now();
        // Disposing frees the sequence's KV cells and its id; the slot opens once that is done, so the next
        // request's getSequence() finds the id free. A failed dispose still opens it (getSequence then says why).
        sequence.dispose().then(release, release);
      },
    };
  }

  /** The model's embedding context (created on first use; one request at a time, the rest wait in line). */
  async embedding(model: ModelSettings): Promise<{ context: LlamaEmbeddingContext; slots: Slots; loaded: LoadedModel }> {
    const loaded = await this.get(model);
    loaded.embedding ??= loaded.model
      .createEmbeddingContext({ contextSize: Math.min(model.contextSize, loaded.summary.contextLength), threads: this.settings.threads })
      .then((context) => ({ context, slots: new Slots(1, model.queueSize, model.label) }));
    const embedding = await loaded.embedding.catch((error: unknown) => {
      loaded.embedding = undefined;
      throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `The local model '${model.label}' cannot produce embeddings: ${(error as Error).message}`, {
        param: "model",
        cause: error,
      });
    });
    return { ...embedding, loaded };
  }

  private async load(model: ModelSettings): Promise<LoadedModel> {
    const summary = await validateGgufFile(model.path);
    if (summary.sizeBytes > this.settings.budgetBytes) {
      throw new SwitchyardError(
        "SWY_ERR_MODEL_UNAVAILABLE",
        `The local model '${model.label}' (${mb(summary.sizeBytes)} MB) is larger than the memory budget (${mb(this.settings.budgetBytes)} MB); raise memory_budget_mb.`,
      );
    }
    if (this.settings.probeLoad) await probeModelLoad(model.path);
    await this.makeRoom(summary.sizeBytes);
    const llama = await getEngine();
    const started = performance.now();
    let llamaModel: LlamaModel;
    try {
      llamaModel = await llama.loadModel({ modelPath: model.path, gpuLayers: 0 });
    } catch (error) {
      throw new SwitchyardError("SWY_ERR_MODEL_UNAVAILABLE", `llama.cpp could not load the local model '${model.label}': ${(error as Error).message}`, {
        cause: error,
        retryable: true,
      });
    }
    let context: LlamaContext;
    try {
      context = await llamaModel.createContext({
        contextSize: Math.min(model.contextSize, summary.contextLength),
        sequences: model.parallel,
        threads: this.settings.threads,
      });
    } catch (error) {
      await llamaModel.dispose();
      throw new SwitchyardError("SWY_ERR_MODEL_UNAVAILABLE", `Not enough memory for the context of '${model.label}': ${(error as Error).message}`, {
        cause: error,
        retryable: true,
      });
    }
    const loaded: LoadedModel = {
      settings: model,
      summary,
      model: llamaModel,
      context,
      slots: new Slots(model.parallel, model.queueSize, model.label),
      lastUsed: Date.now(),
    };
    this.loaded.set(model.path, loaded);
    this.settings.logger.info(
      { model: model.label, path: model.path, architecture: summary.architecture, threads: this.settings.threads, ms: Math.round(performance.now() - started) },
      "local model loaded",
    );
    return loaded;
  }

  private async makeRoom(incoming: number): Promise<void> {
    const used = () => [...this.loaded.values()].reduce((sum, item) => sum + item.summary.sizeBytes, 0);
    const idle = [...this.loaded.values()].filter((item) => item.slots.inUse === 0 && item.slots.queued === 0).sort((a, b) => a.lastUsed - b.lastUsed);
    while (used() + incoming > this.settings.budgetBytes && idle.length > 0) {
      await this.unload(idle.shift()!);
    }
    if (used() + incoming > this.settings.budgetBytes) {
      this.settings.logger.warn({ usedMb: mb(used()), incomingMb: mb(incoming) }, "local models exceed the memory budget; busy models cannot be unloaded yet");
    }
  }

  private async unload(item: LoadedModel): Promise<void> {
    this.loaded.delete(item.settings.path);
    const embedding = await item.embedding?.catch(() => undefined);
    await embedding?.context.dispose();
    await item.context.dispose();
    await item.model.dispose();
    this.settings.logger.info({ model: item.settings.label }, "local model unloaded (memory budget)");
  }

  /** Paths of the models loaded now, least recently used first. */
  loadedPaths(): string[] {
    return [...this.loaded.values()].sort((a, b) => a.lastUsed - b.lastUsed).map((item) => item.settings.path);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.loading.values()]);
    for (const item of [...this.loaded.values()]) await this.unload(item).catch(() => undefined);
  }
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
