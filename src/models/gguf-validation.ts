import { stat } from "node:fs/promises";
import { basename } from "node:path";
import type { readGgufFileInfo } from "node-llama-cpp";
import { llamaBinding } from "../providers/local/binding.js";
import { SwitchyardError } from "../core/errors.js";
import { tensorByteSize } from "./ggml-types.js";

/** What Switchyard needs to know about a GGUF file before it lets llama.cpp load it. */
export interface GgufSummary {
  path: string;
  sizeBytes: number;
  architecture: string;
  name?: string;
  contextLength: number;
  embeddingLength: number;
  blockCount: number;
  tokenizer: string;
  vocabularySize: number;
  chatTemplate?: string;
}

/** Thrown for a file that must not be loaded; the message names the problem. */
export class InvalidGgufError extends SwitchyardError {
  constructor(path: string, problem: string, cause?: unknown) {
    super("SWY_ERR_MODEL_UNAVAILABLE", `The model file '${basename(path)}' is not a usable GGUF model: ${problem}`, {
      cause,
      // Another route may serve the request; this file will not get better by retrying it.
      retryable: true,
    });
  }
}

/** Architectures this llama.cpp build knows, read from the binding the first time a file is checked. */
function knownArchitectures(binding: unknown): Set<string> {
  return new Set<string>(Object.values((binding as Record<string, Record<string, string>>).GgufArchitectureType ?? {}));
}

// Families without attention heads, where `attention.head_count` is legitimately absent.
const RECURRENT = /^(mamba|mamba2|rwkv\d*|rwkv\d*-?\w*)$/;
// Dense transformer families whose loaders assert on a missing `feed_forward_length` (a crash, not an error).
const DENSE = new Set(["llama", "qwen2", "qwen3", "gemma", "gemma2", "gemma3", "phi3", "stablelm", "starcoder2", "internlm2", "olmo2", "granite", "mistral3"]);
const LLAMA_LAYER_TENSORS = ["attn_norm", "attn_q", "attn_k", "attn_v", "attn_output", "ffn_norm", "ffn_gate", "ffn_up", "ffn_down"];
const KNOWN_TOKENIZERS = new Set(["llama", "gpt2", "bert", "t5", "rwkv", "plamo2", "ugm", "none", "no_vocab"]);

type Metadata = Record<string, unknown>;

function lookup(metadata: Metadata, key: string): unknown {
  let value: unknown = metadata;
  for (const part of key.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function positiveInteger(metadata: Metadata, key: string, path: string): number {
  const value = lookup(metadata, key);
  const number = typeof value === "bigint" ? Number(value) : value;
  if (typeof number !== "number" || !Number.isInteger(number) || number <= 0) {
    throw new InvalidGgufError(path, value === undefined ? `required metadata '${key}' is missing` : `metadata '${key}' must be a positive integer`);
  }
  return number;
}

/**
 * Reads a GGUF header (pure JavaScript, nothing native) and checks what llama.cpp would otherwise
 * assert on and abort the process for: architecture, hyperparameters, tokenizer, tensors and sizes.
 */
export async function validateGgufFile(path: string): Promise<GgufSummary> {
  let sizeBytes: number;
  try {
    const stats = await stat(path);
    if (!stats.isFile()) throw new InvalidGgufError(path, "it is not a file");
    sizeBytes = stats.size;
  } catch (error) {
    if (error instanceof SwitchyardError) throw error;
    throw new SwitchyardError("SWY_ERR_MODEL_UNAVAILABLE", `The model file '${path}' does not exist.`, { cause: error, retryable: true });
  }
  let info: Awaited<ReturnType<typeof readGgufFileInfo>>;
  try {
    info = await (await llamaBinding()).readGgufFileInfo(path, { sourceType: "filesystem", logWarnings: false, spliceSplitFiles: false });
  } catch (error) {
    throw new InvalidGgufError(path, `its header cannot be read (${(error as Error).message})`, error);
  }
  const metadata = info.metadata as unknown as Metadata;
  const architecture = lookup(metadata, "general.architecture");
  if (typeof architecture !== "string") throw new InvalidGgufError(path, "required metadata 'general.architecture' is missing");
  if (!knownArchitectures(await llamaBinding()).has(architecture)) {
    throw new InvalidGgufError(path, `architecture '${architecture}' is not supported by this llama.cpp build`);
  }
  const contextLength = positiveInteger(metadata, `${architecture}.context_length`, path);
  const embeddingLength = positiveInteger(metadata, `${architecture}.embedding_length`, path);
  const blockCount = positiveInteger(metadata, `${architecture}.block_count`, path);
  if (!RECURRENT.test(architecture)) positiveInteger(metadata, `${architecture}.attention.head_count`, path);
  if (DENSE.has(architecture)) positiveInteger(metadata, `${architecture}.feed_forward_length`, path);

  const { tokenizer, vocabularySize } = checkTokenizer(metadata, path);
  checkTensors(info.tensorInfo ?? [], architecture, blockCount, sizeBytes, path);

  const chatTemplate = lookup(metadata, "tokenizer.chat_template");
  const name = lookup(metadata, "general.name");
  return {
    path,
    sizeBytes,
    architecture,
    name: typeof name === "string" ? name : undefined,
    contextLength,
    embeddingLength,
    blockCount,
    tokenizer,
    vocabularySize,
    chatTemplate: typeof chatTemplate === "string" && chatTemplate.length > 0 ? chatTemplate : undefined,
  };
}

function checkTokenizer(metadata: Metadata, path: string): { tokenizer: string; vocabularySize: number } {
  const tokenizer = lookup(metadata, "tokenizer.ggml.model");
  if (typeof tokenizer !== "string") throw new InvalidGgufError(path, "required metadata 'tokenizer.ggml.model' is missing");
  if (!KNOWN_TOKENIZERS.has(tokenizer)) throw new InvalidGgufError(path, `tokenizer '${tokenizer}' is not supported`);
  if (tokenizer === "none" || tokenizer === "no_vocab") return { tokenizer, vocabularySize: 0 };
  const tokens = lookup(metadata, "tokenizer.ggml.tokens");
  if (!Array.isArray(tokens) || tokens.length === 0) {
    throw new InvalidGgufError(path, "required metadata 'tokenizer.ggml.tokens' is missing or empty");
  }
  if (tokenizer === "llama") {
    // SentencePiece byte fallback: llama.cpp looks these up unchecked (std::out_of_range aborts the process).
    const present = new Set(tokens.filter((token): token is string => typeof token === "string" && token.startsWith("<0x")));
    for (let byte = 0; byte < 256; byte++) {
      const token = `<0x${byte.toString(16).toUpperCase().padStart(2, "0")}>`;
      if (!present.has(token)) throw new InvalidGgufError(path, `the SentencePiece vocabulary lacks the byte token ${token}`);
    }
  }
  if (tokenizer === "gpt2" && !Array.isArray(lookup(metadata, "tokenizer.ggml.merges"))) {
    throw new InvalidGgufError(path, "required metadata 'tokenizer.ggml.merges' is missing for a BPE tokenizer");
  }
  for (const key of ["bos_token_id", "eos_token_id", "unknown_token_id", "padding_token_id"]) {
    const value = lookup(metadata, `tokenizer.ggml.${key}`);
    const id = typeof value === "bigint" ? Number(value) : value;
    // 0xFFFFFFFF is how converters write "none".
    if (typeof id === "number" && id !== 0xffffffff && id !== -1 && (id < 0 || id >= tokens.length)) {
      throw new InvalidGgufError(path, `'tokenizer.ggml.${key}' (${id}) is outside the vocabulary of ${tokens.length} tokens`);
    }
  }
  return { tokenizer, vocabularySize: tokens.length };
}

interface TensorLike {
  name: string;
  dimensions: readonly (number | bigint)[];
  ggmlType: number;
  fileOffset: number | bigint;
}

function checkTensors(tensors: readonly TensorLike[], architecture: string, blockCount: number, fileSize: number, path: string): void {
  if (tensors.length === 0) throw new InvalidGgufError(path, "it contains no tensors");
  const names = new Set(tensors.map((tensor) => tensor.name));
  if (architecture === "llama") {
    const required = ["token_embd.weight", "output_norm.weight"];
    for (let block = 0; block < blockCount; block++) {
      for (const tensor of LLAMA_LAYER_TENSORS) required.push(`blk.${block}.${tensor}.weight`);
    }
    const missing = required.find((name) => !names.has(name));
    if (missing) throw new InvalidGgufError(path, `required tensor '${missing}' is missing`);
  }
  for (const tensor of tensors) {
    const size = tensorByteSize(tensor.ggmlType, tensor.dimensions.map(Number));
    if (size === undefined) continue;
    if (Number(tensor.fileOffset) + size > fileSize) {
      throw new InvalidGgufError(path, `the file is truncated (tensor '${tensor.name}' ends past the end of the file)`);
    }
  }
}
