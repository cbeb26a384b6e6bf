/**
 * Fine-tuning of a small GGUF model on the CPU with llama.cpp's own training engine
 * (llama_opt_init / llama_opt_epoch, AdamW, cross-entropy on next-token prediction), the engine
 * behind llama.cpp's examples/training/finetune.cpp: all weights or the part a TrainablePolicy
 * names. Blocking: run it in a child process.
 */
import koffi from "koffi";
import { SwitchyardError } from "../../core/errors.js";
import { loadLlamaTraining, type LlamaTrainingLibrary } from "./llama-ffi.js";
import { rmSync } from "node:fs";
import { dequantizeTrainable } from "./gguf-dequantize.js";
import { restoreBaseMetadata } from "./gguf-metadata.js";
import { isTrainable, parseTrainable } from "./trainable-policy.js";

const GGML_TYPE_I32 = 26;
const GGML_OPT_OPTIMIZER_TYPE_ADAMW = 0;
const LLAMA_LOAD_MODE_NONE = 0;
const LLAMA_FLASH_ATTN_TYPE_DISABLED = 0;

export interface TrainOptions {
  modelPath: string;
  outputPath: string;
  /** Training texts; each becomes BOS + text + EOS in one token stream. */
  trainingTexts: string[];
  /** Held-out texts, evaluated (never trained on) before training and after every epoch. */
  validationTexts: string[];
  /**
   * Training examples already tokenized (chat examples rendered in the model's serving chat format,
   * see chat-training-tokens.ts), taken as they are after the texts: their BOS and end are in them.
   */
  trainingSequences?: number[][];
  /** Held-out examples already tokenized, like `trainingSequences`. */
  validationSequences?: number[][];
  epochs: number;
  learningRate: number;
  /** Tokens per training window; also the context length written into the new model. */
  contextSize: number;
  threads: number;
  /** Which tensors train (a trainable-policy string); default `all`. */
  trainable?: string;
  /** Called once the trainable tensors are chosen, before the first step. */
  onParameters?: (parameters: TrainableParameters) => void;
  /** Called after every optimizer step with the running mean training loss of the epoch. */
  onStep?: (step: TrainStep) => void;
  onEpoch?: (epoch: EpochResult) => void;
  /** Called after each epoch; a path returned there receives a copy of the weights (a checkpoint). */
  checkpointPath?: (epoch: number) => string | undefined;
  /** Polled between epochs; returning true stops before saving. */
  shouldStop?: () => boolean;
}

export interface TrainStep {
  epoch: number;
  step: number;
  totalSteps: number;
  trainLoss: number;
  /** Milliseconds since this epoch's first step began (for throughput: steps after the first, over time). */
  elapsedMs: number;
  /** CPU milliseconds of this process (all threads) over the same span: throughput on a busy machine. */
  cpuMs: number;
}

export interface EpochResult {
  epoch: number;
  trainLoss: number;
  validationLoss: number | null;
}

export interface TrainableParameters {
  /** Names of the tensors that train. */
  tensors: string[];
  /** Numbers that train. */
  trainable: number;
  /** Numbers in the whole model. */
  total: number;
}

export interface TrainResult {
  parameters: TrainableParameters;
  baseValidationLoss: number | null;
  finalValidationLoss: number | null;
  firstTrainLoss: number;
  finalTrainLoss: number;
  trainTokens: number;
  steps: number;
  stopped: boolean;
}

interface Native {
  /** llama.cpp rounds the requested context up (to a multiple of 256), so windows use this. */
  contextSize: number;
  model: unknown;
  context: unknown;
  vocab: unknown;
}

function tokenize(library: LlamaTrainingLibrary, vocab: unknown, text: string): number[] {
  const capacity = Buffer.byteLength(text) + 8;
  const tokens = new Int32Array(capacity);
  const count = library.fn.llama_tokenize(vocab, text, Buffer.byteLength(text), tokens, capacity, false, false);
  if (typeof count !== "number" || count < 0) {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "The base model's tokenizer rejected a training example.");
  }
  return [...tokens.subarray(0, count)];
}

function tokenStream(library: LlamaTrainingLibrary, native: Native, texts: string[], sequences: number[][] = []): number[] {
  const bos = Number(library.fn.llama_vocab_bos(native.vocab));
  const eos = Number(library.fn.llama_vocab_eos(native.vocab));
  const stream: number[] = [];
  for (const text of texts) {
    if (bos >= 0) stream.push(bos);
    stream.push(...tokenize(library, native.vocab, text));
    if (eos >= 0) stream.push(eos);
  }
  for (const sequence of sequences) stream.push(...sequence);
  return stream;
}

/** Windows of contextSize+1 tokens (inputs and next-token labels), half-overlapping. */
function windows(stream: number[], contextSize: number): number[][] {
  if (stream.length === 0) throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "The training data tokenizes to nothing.");
  const padded = [...stream];
  while (padded.length < contextSize + 1) padded.push(...stream);
  const stride = Math.max(1, Math.floor(contextSize / 2));
  const result: number[][] = [];
  for (let start = 0; start + contextSize + 1 <= padded.length; start += stride) {
    result.push(padded.slice(start, start + contextSize + 1));
  }
  return result;
}

function fillDataset(library: LlamaTrainingLibrary, all: number[][], contextSize: number): unknown {
  const dataset = library.fn.ggml_opt_dataset_init(
    GGML_TYPE_I32,
    GGML_TYPE_I32,
    contextSize,
    contextSize,
    all.length,
    1,
  );
  const dataPointer = library.fn.ggml_get_data(library.fn.ggml_opt_dataset_data(dataset));
  const labelPointer = library.fn.ggml_get_data(library.fn.ggml_opt_dataset_labels(dataset));
  const bytes = all.length * contextSize * 4;
  const data = new Int32Array(koffi.view(dataPointer as bigint, bytes));
  const labels = new Int32Array(koffi.view(labelPointer as bigint, bytes));
  all.forEach((window, index) => {
    data.set(window.slice(0, contextSize), index * contextSize);
    labels.set(window.slice(1, contextSize + 1), index * contextSize);
  });
  return dataset;
}

function resultLoss(library: LlamaTrainingLibrary, result: unknown): number {
  const loss = [0];
  const uncertainty = [0];
  library.fn.ggml_opt_result_loss(result, loss, uncertainty);
  return loss[0] ?? Number.NaN;
}

function cpuMilliseconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

let backendReady = false;

function openModel(library: LlamaTrainingLibrary, options: TrainOptions): Native {
  if (!backendReady) {
    // llama.cpp logs every tensor at load; keep only errors.
    // No llama_log_set: llama.cpp may log from its own threads, and a JS callback entered from a
    // foreign thread while the JS thread is blocked in training deadlocks. Logs go to stderr, which
    // the parent process keeps as the failure reason.
    library.fn.ggml_backend_load_all_from_path(library.binDirectory);
    library.fn.llama_backend_init();
    backendReady = true;
  }
  const modelParams = library.fn.llama_model_default_params() as Record<string, unknown>;
  // Training writes into the weights, so they must live in ordinary memory, not a read-only mmap.
  modelParams.load_mode = LLAMA_LOAD_MODE_NONE;
  modelParams.n_gpu_layers = 0;
  const model = library.fn.llama_model_load_from_file(options.modelPath, modelParams);
  if (!model) {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `llama.cpp could not load the base model ${options.modelPath}.`);
  }
  const contextParams = library.fn.llama_context_default_params() as Record<string, unknown>;
  // llama.cpp pads the context to a multiple of 256; asking for that keeps one window per batch.
  const requested = Math.ceil(options.contextSize / 256) * 256;
  contextParams.n_ctx = requested;
  contextParams.n_batch = requested;
  contextParams.n_ubatch = requested;
  contextParams.n_threads = options.threads;
  contextParams.n_threads_batch = options.threads;
  contextParams.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
  // OUT_PROD has no F16 backward pass, so the KV cache must be F32 (type 0).
  contextParams.type_k = 0;
  contextParams.type_v = 0;
  const context = library.fn.llama_init_from_model(model, contextParams);
  if (!context) {
    library.fn.llama_model_free(model);
    throw new SwitchyardError("SWY_ERR_INTERNAL", "llama.cpp could not create a training context.");
  }
  // The training step (ggml_opt_eval) computes without telling the CPU backend how many threads to
  // use, so it keeps GGML's default of 4 — on a 2-core machine the spinning barrier threads then
  // make training crawl. One ordinary decode sets the backend's thread count to ours first.
  const vocab = library.fn.llama_model_get_vocab(model);
  const warmToken = new Int32Array([Math.max(0, Number(library.fn.llama_vocab_bos(vocab)))]);
  library.fn.llama_decode(context, library.fn.llama_batch_get_one(warmToken, 1));
  return {
    contextSize: Number(library.fn.llama_n_ctx(context)),
    model,
    context,
    vocab,
  };
}

/**
 * The model file to load: the base itself, or (when tensors the policy trains are F16, BF16 or Q8_0,
 * which llama.cpp cannot train) a copy beside the output with those tensors in F32. The copy is
 * read into memory at load (no mmap), so it is removed right after.
 */
function openTrainable(library: LlamaTrainingLibrary, options: TrainOptions): Native {
  const policy = parseTrainable(options.trainable ?? "all");
  const copy = `${options.outputPath}.base.gguf`;
  const rewritten = dequantizeTrainable(options.modelPath, copy, (name, blocks) => isTrainable(policy, name, blocks));
  try {
    return openModel(library, rewritten > 0 ? { ...options, modelPath: copy } : options);
  } finally {
    if (rewritten > 0) rmSync(copy, { force: true });
  }
}

/** Writes the trained weights, with the metadata of the base that llama.cpp's saver leaves out (gguf-metadata.ts). */
function save(library: LlamaTrainingLibrary, native: Native, basePath: string, path: string): void {
  library.fn.llama_model_save_to_file(native.model, path);
  restoreBaseMetadata(basePath, path);
}

export function trainLlama(options: TrainOptions): TrainResult {
  const library = loadLlamaTraining();
  const native = openTrainable(library, options);
  const registered: bigint[] = [];
  const results: unknown[] = [];
  let dataset: unknown;
  const contextSize = native.contextSize;
  try {
    const train = windows(tokenStream(library, native, options.trainingTexts, options.trainingSequences), contextSize);
    const validation =
      options.validationTexts.length > 0 || (options.validationSequences?.length ?? 0) > 0
        ? windows(tokenStream(library, native, options.validationTexts, options.validationSequences), contextSize)
        : [];
    dataset = fillDataset(library, [...train, ...validation], contextSize);

    let learningRate = options.learningRate;
    const defaults = library.fn.ggml_opt_get_default_optimizer_params(null) as {
      adamw: Record<string, number>;
      sgd: Record<string, number>;
    };
    // llama.cpp offers only F32 tensors to the filter.
    const policy = parseTrainable(options.trainable ?? "all");
    const layerCount = Number(library.fn.llama_model_n_layer(native.model));
    const parameters: TrainableParameters = { tensors: [], trainable: 0, total: Number(library.fn.llama_model_n_params(native.model)) };
    const filter = (tensor: unknown): boolean => {
      const name = String(library.fn.ggml_get_name(tensor));
      if (!isTrainable(policy, name, layerCount)) return false;
      parameters.tensors.push(name);
      parameters.trainable += Number(library.fn.ggml_nelements(tensor));
      return true;
    };
    registered.push(
      koffi.register(filter, library.types.paramFilterPointer),
      koffi.register(
        () => ({
          adamw: { ...defaults.adamw, alpha: learningRate, wd: 0 },
          sgd: { alpha: learningRate, wd: 0 },
        }),
        library.types.getOptParsPointer,
      ),
    );
    library.fn.llama_opt_init(native.context, native.model, {
      n_ctx_train: 0,
      param_filter: registered[0],
      param_filter_ud: null,
      get_opt_pars: registered[1],
      get_opt_pars_ud: null,
      optimizer_type: GGML_OPT_OPTIMIZER_TYPE_ADAMW,
    });
    if (parameters.tensors.length === 0) {
      throw new SwitchyardError(
        "SWY_ERR_INVALID_REQUEST",
        `No tensor of the base model is trainable under '${options.trainable ?? "all"}': llama.cpp trains F32 weights, ` +
          `and only F16, BF16 and Q8_0 ones are converted to F32 for it.`,
        { param: "hyperparameters.trainable" },
      );
    }
    options.onParameters?.(parameters);

    const resultTrain = library.fn.ggml_opt_result_init();
    const resultEval = library.fn.ggml_opt_result_init();
    results.push(resultTrain, resultEval);
    const validationOnly = (): number | null => {
      if (validation.length === 0) return null;
      library.fn.ggml_opt_result_reset(resultEval);
      const validationDataset = fillDataset(library, validation, contextSize);
      try {
        library.fn.llama_opt_epoch(native.context, validationDataset, resultTrain, resultEval, 0, null, null);
      } finally {
        library.fn.ggml_opt_dataset_free(validationDataset);
      }
      return resultLoss(library, resultEval);
    };

    const baseValidationLoss = validationOnly();
    let firstTrainLoss = Number.NaN;
    let finalTrainLoss = Number.NaN;
    let finalValidationLoss = baseValidationLoss;
    let steps = 0;
    let stopped = false;
    for (let epoch = 1; epoch <= options.epochs; epoch += 1) {
      if (options.shouldStop?.()) {
        stopped = true;
        break;
      }
      // Linear decay to 10% keeps late epochs from undoing what early ones learned.
      learningRate = options.learningRate * (1 - (0.9 * (epoch - 1)) / Math.max(1, options.epochs));
      library.fn.ggml_opt_result_reset(resultTrain);
      library.fn.ggml_opt_result_reset(resultEval);
      const epochStart = performance.now();
      const epochCpu = process.cpuUsage();
      library.fn.llama_opt_epoch(
        native.context,
        dataset,
        resultTrain,
        resultEval,
        train.length,
        (isTrain: boolean, _context: unknown, _dataset: unknown, result: unknown, batch: number | bigint, batchMax: number | bigint) => {
          if (!isTrain) return;
          steps += 1;
          const trainLoss = resultLoss(library, result);
          if (Number.isNaN(firstTrainLoss)) firstTrainLoss = trainLoss;
          options.onStep?.({ epoch, step: Number(batch), totalSteps: Number(batchMax), trainLoss, elapsedMs: performance.now() - epochStart, cpuMs: cpuMilliseconds(epochCpu) });
        },
        null,
      );
      finalTrainLoss = resultLoss(library, resultTrain);
      finalValidationLoss = validation.length > 0 ? resultLoss(library, resultEval) : null;
      const checkpoint = options.checkpointPath?.(epoch);
      if (checkpoint) save(library, native, options.modelPath, checkpoint);
      options.onEpoch?.({ epoch, trainLoss: finalTrainLoss, validationLoss: finalValidationLoss });
    }
    if (!stopped) save(library, native, options.modelPath, options.outputPath);
    return {
      parameters,
      baseValidationLoss,
      finalValidationLoss,
      firstTrainLoss,
      finalTrainLoss,
      trainTokens: train.length * contextSize,
      steps,
      stopped,
    };
  } finally {
    for (const result of results) library.fn.ggml_opt_result_free(result);
    if (dataset) library.fn.ggml_opt_dataset_free(dataset);
    library.fn.llama_free(native.context);
    library.fn.llama_model_free(native.model);
    for (const callback of registered) koffi.unregister(callback);
  }
}
