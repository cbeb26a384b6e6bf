/**
 * Bindings to llama.cpp's training API in the prebuilt library that node-llama-cpp installs.
 * Struct layouts follow include/llama.h and ggml/include/ggml-opt.h of that exact build
 * (node-llama-cpp 3.21.1 ships the source as llama/gitRelease.bundle); a layout drift would
 * corrupt memory, so `loadLlamaTraining` checks the library file name it was written against.
 */
import { createRequire } from "node:module";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import koffi, { type LibraryHandle, type TypeObject } from "koffi";
import { SwitchyardError } from "../../core/errors.js";

/** Type-erased native function: koffi checks argument types at call time. */
type NativeFunction = (...args: unknown[]) => unknown;

export interface LlamaTrainingLibrary {
  readonly binDirectory: string;
  fn: Record<(typeof functionNames)[number], NativeFunction>;
  types: {
    modelParams: TypeObject;
    contextParams: TypeObject;
    optParams: TypeObject;
    optimizerParams: TypeObject;
    paramFilterPointer: TypeObject;
    getOptParsPointer: TypeObject;
    epochCallbackPointer: TypeObject;
    logCallbackPointer: TypeObject;
  };
}

export const functionNames = [
  "llama_backend_init",
  "llama_log_set",
  "llama_model_default_params",
  "llama_context_default_params",
  "llama_model_load_from_file",
  "llama_model_free",
  "llama_init_from_model",
  "llama_free",
  "llama_n_ctx",
  "llama_model_n_layer",
  "llama_model_n_params",
  "llama_model_get_vocab",
  "llama_vocab_bos",
  "llama_vocab_eos",
  "llama_tokenize",
  "llama_batch_get_one",
  "llama_decode",
  "llama_opt_init",
  "llama_opt_epoch",
  "llama_model_save_to_file",
  "ggml_backend_load_all_from_path",
  "ggml_get_name",
  "ggml_get_data",
  "ggml_nelements",
  "ggml_opt_dataset_init",
  "ggml_opt_dataset_free",
  "ggml_opt_dataset_data",
  "ggml_opt_dataset_labels",
  "ggml_opt_dataset_ndata",
  "ggml_opt_result_init",
  "ggml_opt_result_free",
  "ggml_opt_result_reset",
  "ggml_opt_result_loss",
  "ggml_opt_result_ndata",
  "ggml_opt_get_default_optimizer_params",
] as const;

/** The prebuilt CPU library directory of node-llama-cpp for this platform. */
export function findLlamaBinDirectory(): string {
  const require = createRequire(import.meta.url);
  const platform = `${process.platform}-${process.arch}`;
  let packageDirectory: string;
  try {
    // The package exports only dist/index.js; its bins/ folder sits beside dist/.
    packageDirectory = path.dirname(path.dirname(require.resolve(`@node-llama-cpp/${platform}`)));
  } catch {
    throw new SwitchyardError(
      "SWY_ERR_NOT_IMPLEMENTED",
      `Local fine-tuning needs the prebuilt llama.cpp library @node-llama-cpp/${platform}, which is not installed.`,
    );
  }
  const directory = path.join(packageDirectory, "bins", platform);
  const files = existsSync(directory) ? readdirSync(directory) : [];
  if (!files.some((file) => file.startsWith("libllama.v0.4.0."))) {
    throw new SwitchyardError(
      "SWY_ERR_NOT_IMPLEMENTED",
      `Local fine-tuning was written against llama.cpp library libllama.v0.4.0 (node-llama-cpp 3.21.1); ${directory} holds another build.`,
    );
  }
  return directory;
}

let cached: LlamaTrainingLibrary | undefined;

export function loadLlamaTraining(): LlamaTrainingLibrary {
  if (cached) return cached;
  const binDirectory = findLlamaBinDirectory();
  const extension = process.platform === "darwin" ? "dylib" : "so";
  const ggmlBase = koffi.load(path.join(binDirectory, `libggml-base.${extension}`));
  const ggml = koffi.load(path.join(binDirectory, `libggml.v0.4.0.${extension}`));
  const llama = koffi.load(path.join(binDirectory, `libllama.v0.4.0.${extension}`));

  const modelParams = koffi.struct("llama_model_params", {
    devices: "void *",
    tensor_buft_overrides: "void *",
    n_gpu_layers: "int32_t",
    split_mode: "int32_t",
    load_mode: "int32_t",
    lazy_mode: "int32_t",
    main_gpu: "int32_t",
    tensor_split: "void *",
    progress_callback: "void *",
    progress_callback_user_data: "void *",
    kv_overrides: "void *",
    vocab_only: "bool",
    check_tensors: "bool",
    use_extra_bufts: "bool",
    no_host: "bool",
    no_alloc: "bool",
    load_mtp: "bool",
  });
  const contextParams = koffi.struct("llama_context_params", {
    n_ctx: "uint32_t",
    n_batch: "uint32_t",
    n_ubatch: "uint32_t",
    n_seq_max: "uint32_t",
    n_rs_seq: "uint32_t",
    n_outputs_max: "uint32_t",
    n_outputs_max_per_seq: "uint32_t",
    n_threads: "int32_t",
    n_threads_batch: "int32_t",
    ctx_type: "int32_t",
    rope_scaling_type: "int32_t",
    pooling_type: "int32_t",
    attention_type: "int32_t",
    flash_attn_type: "int32_t",
    rope_freq_base: "float",
    rope_freq_scale: "float",
    yarn_ext_factor: "float",
    yarn_attn_factor: "float",
    yarn_beta_fast: "float",
    yarn_beta_slow: "float",
    yarn_orig_ctx: "uint32_t",
    defrag_thold: "float",
    cb_eval: "void *",
    cb_eval_user_data: "void *",
    type_k: "int32_t",
    type_v: "int32_t",
    abort_callback: "void *",
    abort_callback_data: "void *",
    embeddings: "bool",
    offload_kqv: "bool",
    no_perf: "bool",
    op_offload: "bool",
    swa_full: "bool",
    kv_unified: "bool",
    samplers: "void *",
    n_samplers: "size_t",
    ctx_other: "void *",
  });
  const batch = koffi.struct("llama_batch", {
    n_tokens: "int32_t",
    token: "int32_t *",
    embd: "float *",
    pos: "int32_t *",
    n_seq_id: "int32_t *",
    seq_id: "int32_t **",
    logits: "int8_t *",
  });
  const optimizerParams = koffi.struct("ggml_opt_optimizer_params", {
    adamw: koffi.struct({ alpha: "float", beta1: "float", beta2: "float", eps: "float", wd: "float" }),
    sgd: koffi.struct({ alpha: "float", wd: "float" }),
  });
  const paramFilter = koffi.proto("bool llama_opt_param_filter(void *tensor, void *userdata)");
  const getOptPars = koffi.proto("ggml_opt_get_optimizer_params", optimizerParams, ["void *"]);
  const epochCallback = koffi.proto(
    "void ggml_opt_epoch_callback(bool train, void *opt_ctx, void *dataset, void *result, int64_t ibatch, int64_t ibatch_max, int64_t t_start_us)",
  );
  const logCallback = koffi.proto("void ggml_log_callback(int level, const char *text, void *userdata)");
  const paramFilterPointer = koffi.pointer(paramFilter);
  const getOptParsPointer = koffi.pointer(getOptPars);
  const epochCallbackPointer = koffi.pointer(epochCallback);
  const logCallbackPointer = koffi.pointer(logCallback);
  const optParams = koffi.struct("llama_opt_params", {
    n_ctx_train: "uint32_t",
    param_filter: paramFilterPointer,
    param_filter_ud: "void *",
    get_opt_pars: getOptParsPointer,
    get_opt_pars_ud: "void *",
    optimizer_type: "int32_t",
  });

  const declare = (library: LibraryHandle, name: string, result: string | TypeObject, args: (string | TypeObject)[]) =>
    library.func(name, result, args) as NativeFunction;

  const fn = {
    llama_backend_init: declare(llama, "llama_backend_init", "void", []),
    llama_log_set: declare(llama, "llama_log_set", "void", [logCallbackPointer, "void *"]),
    llama_model_default_params: declare(llama, "llama_model_default_params", modelParams, []),
    llama_context_default_params: declare(llama, "llama_context_default_params", contextParams, []),
    llama_model_load_from_file: declare(llama, "llama_model_load_from_file", "void *", ["str", modelParams]),
    llama_model_free: declare(llama, "llama_model_free", "void", ["void *"]),
    llama_init_from_model: declare(llama, "llama_init_from_model", "void *", ["void *", contextParams]),
    llama_free: declare(llama, "llama_free", "void", ["void *"]),
    llama_n_ctx: declare(llama, "llama_n_ctx", "uint32_t", ["void *"]),
    llama_model_n_layer: declare(llama, "llama_model_n_layer", "int32_t", ["void *"]),
    llama_model_n_params: declare(llama, "llama_model_n_params", "uint64_t", ["void *"]),
    llama_model_get_vocab: declare(llama, "llama_model_get_vocab", "void *", ["void *"]),
    llama_vocab_bos: declare(llama, "llama_vocab_bos", "int32_t", ["void *"]),
    llama_vocab_eos: declare(llama, "llama_vocab_eos", "int32_t", ["void *"]),
    llama_tokenize: declare(llama, "llama_tokenize", "int32_t", [
      "void *",
      "str",
      "int32_t",
      "int32_t *",
      "int32_t",
      "bool",
      "bool",
    ]),
    llama_batch_get_one: declare(llama, "llama_batch_get_one", batch, ["int32_t *", "int32_t"]),
    llama_decode: declare(llama, "llama_decode", "int32_t", ["void *", batch]),
    llama_opt_init: declare(llama, "llama_opt_init", "void", ["void *", "void *", optParams]),
    llama_opt_epoch: declare(llama, "llama_opt_epoch", "void", [
      "void *",
      "void *",
      "void *",
      "void *",
      "int64_t",
      epochCallbackPointer,
      epochCallbackPointer,
    ]),
    llama_model_save_to_file: declare(llama, "llama_model_save_to_file", "void", ["void *", "str"]),
    ggml_backend_load_all_from_path: declare(ggml, "ggml_backend_load_all_from_path", "void", ["str"]),
    ggml_get_name: declare(ggmlBase, "ggml_get_name", "str", ["void *"]),
    ggml_get_data: declare(ggmlBase, "ggml_get_data", "void *", ["void *"]),
    ggml_nelements: declare(ggmlBase, "ggml_nelements", "int64_t", ["void *"]),
    ggml_opt_dataset_init: declare(ggmlBase, "ggml_opt_dataset_init", "void *", [
      "int32_t",
      "int32_t",
      "int64_t",
      "int64_t",
      "int64_t",
      "int64_t",
    ]),
    ggml_opt_dataset_free: declare(ggmlBase, "ggml_opt_dataset_free", "void", ["void *"]),
    ggml_opt_dataset_data: declare(ggmlBase, "ggml_opt_dataset_data", "void *", ["void *"]),
    ggml_opt_dataset_labels: declare(ggmlBase, "ggml_opt_dataset_labels", "void *", ["void *"]),
    ggml_opt_dataset_ndata: declare(ggmlBase, "ggml_opt_dataset_ndata", "int64_t", ["void *"]),
    ggml_opt_result_init: declare(ggmlBase, "ggml_opt_result_init", "void *", []),
    ggml_opt_result_free: declare(ggmlBase, "ggml_opt_result_free", "void", ["void *"]),
    ggml_opt_result_reset: declare(ggmlBase, "ggml_opt_result_reset", "void", ["void *"]),
    ggml_opt_result_loss: declare(ggmlBase, "ggml_opt_result_loss", "void", ["void *", "_Out_ double *", "_Out_ double *"]),
    ggml_opt_result_ndata: declare(ggmlBase, "ggml_opt_result_ndata", "void", ["void *", "_Out_ int64_t *"]),
    ggml_opt_get_default_optimizer_params: declare(
      ggmlBase,
      "ggml_opt_get_default_optimizer_params",
      optimizerParams,
      ["void *"],
    ),
  } satisfies Record<(typeof functionNames)[number], NativeFunction>;

  cached = {
    binDirectory,
    fn,
    types: {
      modelParams,
      contextParams,
      optParams,
      optimizerParams,
      paramFilterPointer,
      getOptParsPointer,
      epochCallbackPointer,
      logCallbackPointer,
    },
  };
  return cached;
}
