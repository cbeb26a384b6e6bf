/**
 * The `local` backend: trains a GGUF model served by a `type: local` provider on this machine's CPU
 * with llama.cpp's training engine (trainer/), in a child process, one job at a time. The result is
 * written into that provider's models directory, so the provider serves it like any other file, and
 * (when nodes share a database) into the blob store, from which other nodes fetch it to serve it or
 * to resume the job from its last checkpoint.
 */
import { fork } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SwitchyardError } from "../../core/errors.js";
import { modelsDirectory } from "../../models/store.js";
import type { ProviderAdapter } from "../../providers/contract.js";
import { localConfigSchema } from "../../providers/local/config.js";
import { resolveLocalModel } from "../../providers/local/resolve-model.js";
import type { BlobStore } from "../../storage/blobs/blob-store.js";
import type { ModelRegistry, Route } from "../../routing/model-registry.js";
import type { DatasetStatistics } from "../files/dataset-validation.js";
import type { FineTuningConfig } from "../config-schema.js";
import { chatExamplesOf, chatTrainingSequences } from "../trainer/chat-training-tokens.js";
import type { TrainMessage, TrainProcessInput } from "../trainer/train-process.js";
import { ChatTemplateOverheads } from "./chat-template-overhead.js";
import { DEFAULT_MODEL_TOKENS_PER_SECOND_PER_THREAD, ModelShapes, trainingWindow, windowTokens, type ModelShape, type SpeedBasis } from "./local-estimate.js";
import { tokensPerSecond, trainingCost } from "./training-cost.js";
import { wasCancelled, type Checkpoint, type Estimate, type EstimateTarget, type FineTuningBackend, type JobRecord, type RunHooks, type RunResult } from "./types.js";

/** The job's examples: their texts, and the files they came from (chat examples are rendered from those). */
type TrainingData = { training: string[]; validation: string[]; trainingContent: Buffer; validationContent: Buffer | null };

/** Full-weight AdamW on a tiny model: this rate learns a new name in a few epochs without wrecking grammar. */
const BASE_LEARNING_RATE = 5e-4;

const here = path.dirname(fileURLToPath(import.meta.url));

/** Where a trained model file lives in the blob store. */
const blobKey = (file: string) => `fine-tuned/${file}`;

function trainerEntry(): string {
  const compiled = path.join(here, "..", "trainer", "train-process.js");
  return existsSync(compiled) ? compiled : path.join(here, "..", "trainer", "train-process.ts");
}

/** The runtime's models and providers: the same objects for the life of the process, reloads included. */
export interface ModelsAndProviders {
  models: ModelRegistry;
  providers: ReadonlyMap<string, ProviderAdapter>;
}

/** What the local trainer reads: the local model it trains, its provider's `models_dir`, and the data directory. */
export interface LocalBackendDependencies extends ModelsAndProviders {
  /** A provider's raw config entry, read when a job starts (so a config reload is seen). */
  providerConfig(name: string): unknown;
  dataDir: string;
}

export class LocalBackend implements FineTuningBackend {
  readonly name = "local" as const;
  /** Settles when the last run in line has ended; never rejects. */
  private queue: Promise<void> = Promise.resolve();
  private readonly shapes = new ModelShapes();
  private readonly overheads = new ChatTemplateOverheads();

  constructor(
    private readonly dependencies: LocalBackendDependencies,
    private readonly config: FineTuningConfig["local"],
    private readonly blobs: BlobStore,
  ) {}

  private localRoute(model: string): Route {
    const entry = this.dependencies.models.resolve(model);
    const route = entry.routes.find((candidate) => candidate.provider.type === "local");
    if (!route) {
      throw new SwitchyardError(
        "SWY_ERR_INVALID_REQUEST",
        `The local fine-tuning backend trains GGUF models served by a local provider; '${model}' has no local route.`,
        { param: "model" },
      );
    }
    return route;
  }

  private providerSettings(provider: ProviderAdapter) {
    const raw = this.dependencies.providerConfig(provider.name);
    const config = localConfigSchema.parse(raw);
    const modelsDir = config.models_dir
      ? path.resolve(config.models_dir)
      : modelsDirectory(this.dependencies.dataDir);
    return { config, modelsDir };
  }

  check(model: string): void {
    this.localRoute(model);
  }

  async estimate(statistics: DatasetStatistics, epochs: number, target?: EstimateTarget): Promise<Estimate> {
    const window = trainingWindow(this.config.context_size);
    const base = target ? await this.baseModel(target.model) : undefined;
    // Only a file whose header reads as a GGUF is loaded: a malformed one can abort llama.cpp's process.
    const overhead = base && statistics.messages !== undefined ? await this.overheads.read(base.path).catch(() => undefined) : undefined;
    const trained = windowTokens(statistics, epochs, window, overhead);
    const speed = this.speed(window, target, base?.shape);
    return {
      backend: "local",
      trained_tokens: trained,
      cost_usd: 0,
      seconds: Math.ceil(trained / speed.tokensPerSecond),
      tokens_per_second: Math.round(speed.tokensPerSecond * 10) / 10,
      speed_basis: speed.basis,
    };
  }

  /** Training tokens per second on this node's threads for the target's base model and policy. */
  private speed(window: number, target: EstimateTarget | undefined, shape: ModelShape | undefined): { tokensPerSecond: number; basis: SpeedBasis } {
    const threads = this.threads();
    if (this.config.tokens_per_second !== undefined) return { tokensPerSecond: this.config.tokens_per_second * threads, basis: "configured" };
    if (!target || !shape) return { tokensPerSecond: DEFAULT_MODEL_TOKENS_PER_SECOND_PER_THREAD * threads, basis: "default" };
    // Jobs stored before the policy existed trained every tensor, as their run does.
    const cost = trainingCost(shape.tensors, shape.blockCount, target.trainable ?? "all", window);
    return { tokensPerSecond: tokensPerSecond(cost, threads), basis: "model" };
  }

  /** The base model's file and shape, or nothing when it is not on this node (not pulled yet) or not a readable GGUF. */
  private async baseModel(model: string): Promise<{ path: string; shape: ModelShape } | undefined> {
    try {
      const route = this.localRoute(model);
      const base = this.providerSettings(route.provider);
      const settings = await resolveLocalModel(route.model, base.config, base.modelsDir);
      return { path: settings.path, shape: await this.shapes.read(settings.path) };
    } catch {
      return undefined;
    }
  }

  private threads(): number {
    const cores = Math.max(1, availableParallelism());
    return Math.min(this.config.threads ?? cores, cores);
  }

  routeFor(job: JobRecord): Route | undefined {
    const provider = this.servingProvider(job);
    return provider ? { provider, model: this.outputName(job.id) } : undefined;
  }

  checkpointRouteFor(job: JobRecord, checkpoint: Checkpoint): Route | undefined {
    const provider = this.servingProvider(job);
    return provider ? { provider, model: `${this.outputName(job.id)}-epoch-${checkpoint.epoch}` } : undefined;
  }

  async fetch(job: JobRecord, checkpoint?: Checkpoint): Promise<void> {
    const provider = this.servingProvider(job);
    if (!provider) return;
    const file = `${this.outputName(job.id)}${checkpoint ? `-epoch-${checkpoint.epoch}` : ""}.gguf`;
    await this.materialize(file, this.providerSettings(provider).modelsDir);
  }

  /** Puts a trained file where every node can fetch it; on one node the models directory already is that place. */
  private async share(file: string): Promise<void> {
    if (this.blobs.kind === "database") await this.blobs.putFile(blobKey(path.basename(file)), file);
  }

  /** The model file in `modelsDir`, fetched from the blob store when another node trained it; the path. */
  private async materialize(file: string, modelsDir: string): Promise<string> {
    const target = path.join(modelsDir, file);
    if (existsSync(target)) return target;
    if (this.blobs.kind !== "database" || !(await this.blobs.download(blobKey(file), target))) {
      throw new SwitchyardError("SWY_ERR_MODEL_UNAVAILABLE", `The fine-tuned model file ${file} is not on this node and not in the shared store.`, { retryable: true });
    }
    return target;
  }

  private servingProvider(job: JobRecord): ProviderAdapter | undefined {
    if (this.config.provider) return this.dependencies.providers.get(this.config.provider);
    try {
      return this.localRoute(job.request.model).provider;
    } catch {
      return [...this.dependencies.providers.values()].find((provider) => provider.type === "local");
    }
  }

  private outputName(jobId: string): string {
    return `ft-${jobId.replace(/[^A-Za-z0-9]/g, "").toLowerCase()}`;
  }

  /** The directory of a job's transient files (input, partial model, checkpoints not yet moved). */
  workDirectory(jobId: string): string {
    return path.join(path.resolve(this.dependencies.dataDir), "fine-tuning", jobId);
  }

  async run(job: JobRecord, data: TrainingData, hooks: RunHooks): Promise<RunResult> {
    // One training run at a time: two would fight over the same cores. A job cancelled while it waits leaves
    // the line at once, but passes its turn on only when the runs ahead of it have ended.
    const ahead = this.queue;
    let passTurn!: () => void;
    this.queue = new Promise<void>((resolve) => (passTurn = resolve));
    try {
      await untilTurn(ahead, hooks.signal);
      await hooks.start();
      return await this.train(job, data, hooks);
    } finally {
      void ahead.then(passTurn);
    }
  }

  private async train(job: JobRecord, data: TrainingData, hooks: RunHooks): Promise<RunResult> {
    const workDirectory = this.workDirectory(job.id);
    try {
      return await this.trainIn(workDirectory, job, data, hooks);
    } catch (error) {
      // A shutdown keeps the work for the resume; a cancelled or failed job will never use it.
      if (!hooks.signal.aborted || wasCancelled(hooks.signal)) await rm(workDirectory, { recursive: true, force: true });
      throw error;
    }
  }

  private async trainIn(
    workDirectory: string,
    job: JobRecord,
    data: TrainingData,
    hooks: RunHooks,
  ): Promise<RunResult> {
    const baseRoute = this.localRoute(job.request.model);
    const provider = this.config.provider ? this.dependencies.providers.get(this.config.provider) : baseRoute.provider;
    if (!provider) throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `No provider '${this.config.provider}' to serve fine-tuned models.`);
    const base = this.providerSettings(baseRoute.provider);
    const serving = this.providerSettings(provider);
    const settings = await resolveLocalModel(baseRoute.model, base.config, base.modelsDir);
    const name = this.outputName(job.id);
    await mkdir(workDirectory, { recursive: true });
    await mkdir(serving.modelsDir, { recursive: true });

    // A resumed job (after a restart, or taken over from a node that died) continues from its last
    // checkpoint with the epochs it had left; on another node the checkpoint comes from the blob store.
    const resumeFrom = await this.lastCheckpoint(job, serving.modelsDir);
    const epochs = job.request.hyperparameters.n_epochs - (resumeFrom?.epoch ?? 0);
    if (resumeFrom) await hooks.event(`Resuming from the checkpoint after epoch ${resumeFrom.epoch}`);
    const partial = path.join(workDirectory, "model.partial.gguf");
    const examples = await trainingExamples(settings.path, data);
    const input: TrainProcessInput = {
      modelPath: resumeFrom?.path ?? settings.path,
      outputPath: partial,
      ...examples,
      epochs,
      learningRate: BASE_LEARNING_RATE * job.request.hyperparameters.learning_rate_multiplier,
      contextSize: this.config.context_size,
      threads: this.threads(),
      // Jobs stored before the policy existed trained every tensor; a resume keeps doing so.
      trainable: job.request.hyperparameters.trainable ?? "all",
      checkpointDirectory: workDirectory,
    };
    const inputPath = path.join(workDirectory, "input.json");
    await writeFile(inputPath, JSON.stringify(input));
    const offset = resumeFrom?.epoch ?? 0;
    const { result, peakRssBytes } = await this.spawn(inputPath, input.trainable ?? "all", hooks, async (message) => {
      if (message.type === "parameters") {
        await hooks.event(
          `Training ${message.tensors.length} tensors, ${message.trainable.toLocaleString("en-US")} of ${message.total.toLocaleString("en-US")} parameters ` +
            `(trainable: ${input.trainable})`,
          { data: { trainable: input.trainable, tensors: message.tensors.length, trainable_parameters: message.trainable, total_parameters: message.total } },
        );
      } else if (message.type === "step") {
        hooks.metric({
          step: message.step + (message.epoch - 1 + offset) * message.totalSteps,
          total_steps: message.totalSteps * job.request.hyperparameters.n_epochs,
          epoch: message.epoch + offset,
          train_loss: message.trainLoss,
        });
      } else if (message.type === "epoch") {
        const epoch = message.epoch + offset;
        await hooks.event(
          `Epoch ${epoch}/${job.request.hyperparameters.n_epochs}: train loss ${message.trainLoss.toFixed(4)}` +
            (message.validationLoss !== null ? `, validation loss ${message.validationLoss.toFixed(4)}` : ""),
          { type: "metrics", data: { epoch, train_loss: message.trainLoss, valid_loss: message.validationLoss } },
        );
        if (message.checkpoint) {
          const checkpointName = `${name}-epoch-${epoch}`;
          await rename(message.checkpoint, path.join(serving.modelsDir, `${checkpointName}.gguf`));
          const kept = path.join(serving.modelsDir, `${checkpointName}.gguf`);
          await this.share(kept);
          await hooks.save({ lastCheckpoint: kept, lastEpoch: epoch });
          await hooks.checkpoint(
            {
              epoch,
              step_number: epoch,
              fine_tuned_model_checkpoint: `ft:${job.request.model}${job.request.suffix ? `:${job.request.suffix}` : ""}:${job.id}:ckpt-epoch-${epoch}`,
              metrics: { train_loss: message.trainLoss, ...(message.validationLoss !== null ? { valid_loss: message.validationLoss } : {}) },
            },
            { provider, model: checkpointName },
          );
        }
      }
    });
    await hooks.event(`Trainer peak memory: ${Math.round(peakRssBytes / 2 ** 20)} MiB`, { data: { peak_rss_bytes: peakRssBytes } });
    await rename(partial, path.join(serving.modelsDir, `${name}.gguf`));
    await this.share(path.join(serving.modelsDir, `${name}.gguf`));
    await rm(workDirectory, { recursive: true, force: true });
    return {
      fineTunedModel: name,
      route: { provider, model: name },
      trainedTokens: result.trainTokens * epochs,
      evaluation: { base_valid_loss: result.baseValidationLoss, final_valid_loss: result.finalValidationLoss },
    };
  }

  private async lastCheckpoint(job: JobRecord, modelsDir: string): Promise<{ path: string; epoch: number } | undefined> {
    const saved = job.state.backend.lastCheckpoint;
    if (typeof saved !== "string") return undefined;
    const epoch = Number(job.state.backend.lastEpoch ?? 0);
    if (existsSync(saved)) return { path: saved, epoch };
    try {
      return { path: await this.materialize(path.basename(saved), modelsDir), epoch };
    } catch {
      // Without the checkpoint the job starts over: slower, never wrong.
      return undefined;
    }
  }

  private spawn(
    inputPath: string,
    trainable: string,
    hooks: RunHooks,
    onMessage: (message: TrainMessage) => Promise<void>,
  ): Promise<Extract<TrainMessage, { type: "done" }>> {
    const entry = trainerEntry();
    // An abort that came before the fork would never reach the child's listener below.
    hooks.signal.throwIfAborted();
    return new Promise((resolve, reject) => {
      const child = fork(entry, [inputPath], {
        execArgv: entry.endsWith(".ts") ? ["--import", "tsx"] : [],
        stdio: ["ignore", "ignore", "pipe", "ipc"],
      });
      let stderrTail = "";
      child.stderr?.on("data", (chunk: Buffer) => {
        stderrTail = (stderrTail + chunk.toString()).slice(-4000);
      });
      let pending = Promise.resolve();
      let outcome: TrainMessage | undefined;
      child.on("message", (raw) => {
        const message = raw as TrainMessage;
        if (message.type === "done" || message.type === "error") outcome = message;
        pending = pending.then(() => onMessage(message)).catch(() => undefined);
      });
      const abort = () => child.kill("SIGKILL");
      hooks.signal.addEventListener("abort", abort, { once: true });
      child.on("exit", (code, signal) => {
        hooks.signal.removeEventListener("abort", abort);
        void pending.then(() => {
          if (hooks.signal.aborted) return reject(hooks.signal.reason);
          if (outcome?.type === "done") return resolve(outcome);
          if (outcome?.type !== "error" && GRAPH_LIMIT_ASSERTIONS.some((assertion) => stderrTail.includes(assertion))) return reject(graphLimitError(trainable));
          const reason = outcome?.type === "error" ? outcome.message : lastLines(stderrTail) || `exit ${code ?? signal}`;
          reject(new SwitchyardError("SWY_ERR_INTERNAL", `Local training failed: ${reason}`));
        });
      });
    });
  }
}

/**
 * Chat examples become tokens in the chat format the model is served with (chat-training-tokens.ts);
 * completion examples stay texts (prompt + completion, which /v1/completions serves as they are).
 */
async function trainingExamples(
  basePath: string,
  data: TrainingData,
): Promise<Pick<TrainProcessInput, "trainingTexts" | "validationTexts" | "trainingSequences" | "validationSequences">> {
  const training = chatExamplesOf(data.trainingContent.toString("utf8"));
  const validation = data.validationContent ? chatExamplesOf(data.validationContent.toString("utf8")) : undefined;
  return {
    trainingTexts: training ? [] : data.training,
    validationTexts: validation ? [] : data.validation,
    ...(training ? { trainingSequences: await chatTrainingSequences(basePath, training) } : {}),
    ...(validation ? { validationSequences: await chatTrainingSequences(basePath, validation) } : {}),
  };
}

/** Resolves when everything ahead has ended; rejects with the abort reason as soon as the job is cancelled. */
function untilTurn(ahead: Promise<void>, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const leave = () => reject(signal.reason as Error);
    signal.addEventListener("abort", leave, { once: true });
    void ahead.then(() => {
      signal.removeEventListener("abort", leave);
      resolve();
    });
  });
}

/**
 * llama.cpp sizes its graphs for inference (max(1024, 8 x tensors) nodes); the backward pass through
 * many blocks does not fit and the trainer aborts on one of these assertions (the graph's or the
 * scheduler's). For SmolLM2 (30-32 blocks) that happens beyond about the last 16 blocks, and under
 * every policy whose backward pass reaches the first block.
 */
const GRAPH_LIMIT_ASSERTIONS = ["GGML_ASSERT(cgraph->n_nodes < cgraph->size)", "GGML_ASSERT((int)sched->hash_set.size >= graph->n_nodes + graph->n_leafs)"];

function graphLimitError(trainable: string): SwitchyardError {
  return new SwitchyardError(
    "SWY_ERR_INVALID_REQUEST",
    `Local training failed: with trainable '${trainable}' the training graph of this model exceeds llama.cpp's graph size; ` +
      `train fewer blocks (hyperparameters.trainable: last_layers:N, e.g. last_layers:8).`,
    { param: "hyperparameters.trainable" },
  );
}

function lastLines(text: string): string {
  return text.trim().split("\n").slice(-3).join(" | ");
}
