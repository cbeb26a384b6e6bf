import { totalmem } from "node:os";
import { resolve } from "node:path";
import type { ChatHistoryItem, ChatModelFunctions, LlamaChat } from "node-llama-cpp";
import { llamaBinding } from "./binding.js";
import { SwitchyardError } from "../../core/errors.js";
import type { ChatRequest, CompletionRequest, EmbeddingRequest, EmbeddingResponse, StreamPart, Warning } from "../../core/types.js";
import { listStoredModels, modelsDirectory } from "../../models/store.js";
import { LocalModelDownloads } from "../../models/auto-download.js";
import { DEFAULT_MODEL_HUB } from "../../models/hub-settings.js";
import type { CallOptions, ProviderAdapter, ProviderContext } from "../contract.js";
import type { LocalConfig } from "./config.js";
import { getEngine, resolveThreads } from "./engine.js";
import { localChat } from "./chat-wrapper.js";
import { localGenerationError } from "./errors.js";
import { grammarFor } from "./grammar.js";
import { ModelPool, type Lease } from "./model-pool.js";
import { toChatHistory } from "./request.js";
import { resolveLocalModel } from "./resolve-model.js";
import { streamGeneration } from "./stream.js";

// llama.cpp's own sampling defaults, used when a request sets none.
const DEFAULT_TEMPERATURE = 0.8;
const DEFAULT_TOP_K = 40;

export function createLocalProvider(name: string, config: LocalConfig, context: ProviderContext): ProviderAdapter {
  const modelsDir = config.models_dir ? resolve(config.models_dir) : modelsDirectory(context.dataDir);
  const threads = resolveThreads(config.threads);
  const pool = new ModelPool({
    threads,
    budgetBytes: (config.memory_budget_mb ?? Math.floor(totalmem() / 2 / 1024 / 1024)) * 1024 * 1024,
    probeLoad: config.probe_load,
    logger: context.logger,
  });

  const downloads = new LocalModelDownloads({
    provider: name,
    modelsDir,
    hub: context.modelHub ?? { autoDownload: false, endpoint: DEFAULT_MODEL_HUB },
    logger: context.logger,
    isPresent: (model) => resolveLocalModel(model, config, modelsDir).then(() => true, () => false),
  });
  const sourced = Object.entries(config.models).flatMap(([model, entry]) => (entry.source ? [{ model, source: entry.source }] : []));
  void downloads.start(sourced);
  warnAboutMissingModels(name, config, modelsDir, context);

  /** A model's file and settings; a model still downloading answers 503 with its progress. */
  async function settingsFor(model: string) {
    downloads.throwIfPending(model);
    try {
      return await resolveLocalModel(model, config, modelsDir);
    } catch (error) {
      throw downloads.explain(model, error);
    }
  }

  async function lease(model: string, options: CallOptions): Promise<Lease> {
    return pool.lease(await settingsFor(model), options.signal);
  }

  function sampling(request: { temperature?: number; topP?: number; topK?: number; seed?: number; maxOutputTokens?: number; stopSequences?: string[] }) {
    return {
      temperature: request.temperature ?? DEFAULT_TEMPERATURE,
      topP: request.topP,
      topK: request.topK ?? DEFAULT_TOP_K,
      seed: request.seed,
      maxTokens: request.maxOutputTokens ?? config.default_max_tokens,
      customStopTriggers: request.stopSequences?.filter((stop) => stop.length > 0),
    };
  }

  return {
    specificationVersion: "v1",
    name,
    type: "local",
    local: true,

    async stream(request: ChatRequest, options: CallOptions): Promise<AsyncIterable<StreamPart>> {
      const { history, functions, warnings } = toChatHistory(request);
      const grammar = await grammarFor(await getEngine(), request.responseFormat);
      const held = await lease(request.model, options);
      try {
        const chat = await localChat(held.sequence);
        const inputTokens = countPromptTokens(chat, history, functions, held);
        return streamGeneration({
          lease: held,
          signal: options.signal,
          model: request.model,
          inputTokens,
          warnings: [...warnings, ...unsupported(request)],
          async run(hooks) {
            try {
              const shared = { ...sampling(request), signal: hooks.signal, onTextChunk: hooks.onText, onToken: hooks.onToken };
              const result = functions
                ? await chat.generateResponse(history, { ...shared, functions })
                : await chat.generateResponse(history, { ...shared, grammar });
              return { stopReason: result.metadata.stopReason, functionCalls: result.functionCalls };
            } finally {
              chat.dispose();
            }
          },
        });
      } catch (error) {
        held.release();
        throw localGenerationError(request.model, error);
      }
    },

    async complete(request: CompletionRequest, options: CallOptions): Promise<AsyncIterable<StreamPart>> {
      const held = await lease(request.model, options);
      try {
        const { model, summary } = held.loaded;
        const inputTokens = model.tokenize(request.prompt).length + (model.tokens.shouldPrependBosToken ? 1 : 0);
        const contextSize = held.loaded.context.contextSize;
        if (inputTokens >= Math.min(contextSize, summary.contextLength)) {
          throw new SwitchyardError("SWY_ERR_CONTEXT_LENGTH_EXCEEDED", `The prompt has ${inputTokens} tokens; the local model '${request.model}' takes ${contextSize}.`, {
            param: "prompt",
          });
        }
        const { LlamaCompletion } = await llamaBinding();
        const completion = new LlamaCompletion({ contextSequence: held.sequence, autoDisposeSequence: false });
        return streamGeneration({
          lease: held,
          signal: options.signal,
          model: request.model,
          inputTokens,
          warnings: [],
          async run(hooks) {
            try {
              const result = await completion.generateCompletionWithMeta(request.prompt, {
                ...sampling(request),
                signal: hooks.signal,
                onTextChunk: hooks.onText,
                onToken: hooks.onToken,
              });
              return { stopReason: result.metadata.stopReason };
            } finally {
              completion.dispose();
            }
          },
        });
      } catch (error) {
        held.release();
        throw localGenerationError(request.model, error);
      }
    },

    async embed(request: EmbeddingRequest, options: CallOptions): Promise<EmbeddingResponse> {
      const settings = await settingsFor(request.model);
      const { context: embedder, slots, loaded } = await pool.embedding(settings);
      const release = await slots.acquire(options.signal);
      try {
        const embeddings: number[][] = [];
        let inputTokens = 0;
        for (const input of request.input) {
          options.signal.throwIfAborted();
          const tokens = loaded.model.tokenize(input);
          if (tokens.length >= embedder.model.trainContextSize || tokens.length >= settings.contextSize) {
            throw new SwitchyardError("SWY_ERR_CONTEXT_LENGTH_EXCEEDED", `An input has ${tokens.length} tokens; the local model '${request.model}' embeds at most ${settings.contextSize - 1}.`, {
              param: "input",
            });
          }
          inputTokens += tokens.length;
          const vector = [...(await embedder.getEmbeddingFor(tokens)).vector];
          embeddings.push(request.dimensions !== undefined ? truncate(vector, request.dimensions) : vector);
        }
        return { model: request.model, embeddings, usage: { inputTokens, outputTokens: 0 } };
      } catch (error) {
        throw localGenerationError(request.model, error);
      } finally {
        release();
      }
    },

    async listModels(): Promise<string[]> {
      const stored = (await listStoredModels(modelsDir)).map((model) => model.file.replace(/\.gguf$/, ""));
      return [...new Set([...Object.keys(config.models), ...stored])];
    },

    modelStatus(model: string) {
      return downloads.status(model);
    },

    async close(): Promise<void> {
      await downloads.close();
      await pool.close();
    },
  };
}

/**
 * Says on the console, at startup, which configured files are missing (requests get the same in a 503);
 * models with a `source` are reported by the downloader.
 */
function warnAboutMissingModels(name: string, config: LocalConfig, modelsDir: string, context: ProviderContext): void {
  void Promise.all(
    Object.keys(config.models).filter((model) => !config.models[model]!.source).map((model) =>
      resolveLocalModel(model, config, modelsDir).then(
        () => undefined,
        (error: unknown) => context.logger.warn({ provider: name, model }, (error as Error).message),
      ),
    ),
  );
}

/** Prompt tokens as the model's chat template renders them (function documentation included). */
function countPromptTokens(chat: LlamaChat, history: ChatHistoryItem[], functions: ChatModelFunctions | undefined, held: Lease): number {
  const { contextText } = chat.chatWrapper.generateContextState({ chatHistory: history, availableFunctions: functions });
  return contextText.tokenize(held.loaded.model.tokenizer).length;
}

function unsupported(request: ChatRequest): Warning[] {
  const warnings: Warning[] = [];
  if (request.presencePenalty !== undefined || request.frequencyPenalty !== undefined) {
    warnings.push({ type: "unsupported-setting", setting: "presence_penalty/frequency_penalty", message: "Local models ignore presence and frequency penalties." });
  }
  return warnings;
}

/** Matryoshka-style truncation, renormalised to unit length. */
function truncate(vector: number[], dimensions: number): number[] {
  if (dimensions >= vector.length) return vector;
  const cut = vector.slice(0, dimensions);
  const norm = Math.hypot(...cut) || 1;
  return cut.map((value) => value / norm);
}
