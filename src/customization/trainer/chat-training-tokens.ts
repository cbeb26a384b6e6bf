/**
 * Chat examples of a fine-tuning file, as the tokens the local trainer learns from: each conversation
 * goes the way a chat request to the model goes when it is served — OpenAI wire messages -> canonical
 * request -> node-llama-cpp chat history -> the model's chat format (providers/local/chat-wrapper.ts)
 * -> tokens — with the last assistant answer in place of the one the model would generate, then the
 * end-of-sequence token that stops generation. So the model learns to answer, and to stop, in exactly
 * the text it will be served with (a test holds the two side by side).
 *
 * The loss covers every token of the rendered conversation, prompt included: llama.cpp's training
 * epoch (llama_opt_epoch) takes one label per position with no way to leave a position out, so
 * answer-only loss (and OpenAI's per-message `weight`) is not available with this engine.
 *
 * Runs in the server process (node-llama-cpp loads the base model's vocabulary only); the trainer
 * child takes the token ids.
 */
import type { LlamaModel, Token } from "node-llama-cpp";
import { SwitchyardError } from "../../core/errors.js";
import { chatCompletionRequestSchema } from "../../api/openai/schema.js";
import { chatCompletionToCanonical } from "../../api/openai/to-canonical.js";
import { llamaBinding } from "../../providers/local/binding.js";
import { chatWrapperFor } from "../../providers/local/chat-wrapper.js";
import { getEngine } from "../../providers/local/engine.js";
import { toChatHistory } from "../../providers/local/request.js";

/** The messages (and tools) of one chat example, as a fine-tuning file's line holds them. */
export interface ChatExample {
  messages: unknown[];
  tools?: unknown[];
}

/** The chat examples of a JSONL file, or undefined for a file in the completion format. */
export function chatExamplesOf(content: string): ChatExample[] | undefined {
  const examples: ChatExample[] = [];
  for (const line of content.split(/\r?\n/)) {
    if (line.trim() === "") continue;
    const value = JSON.parse(line) as Record<string, unknown>;
    if (!Array.isArray(value.messages)) return undefined;
    examples.push({ messages: value.messages, ...(Array.isArray(value.tools) ? { tools: value.tools } : {}) });
  }
  return examples;
}

/** One example's tokens in the model's serving chat format: the conversation, the last answer, end of sequence. */
export async function chatTrainingTokens(model: LlamaModel, example: ChatExample): Promise<Token[]> {
  const binding = await llamaBinding();
  const parsed = chatCompletionRequestSchema.safeParse({ model: "fine-tuning", messages: example.messages, ...(example.tools ? { tools: example.tools } : {}) });
  if (!parsed.success) {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `A chat example is not a valid conversation: ${parsed.error.issues[0]?.message ?? "invalid"}.`, { param: "training_file" });
  }
  const { history, functions } = toChatHistory(chatCompletionToCanonical(parsed.data, {}));
  const { contextText } = chatWrapperFor(binding, model).generateContextState({ chatHistory: history, availableFunctions: functions });
  const tokens = contextText.tokenize(model.tokenizer);
  const eos = model.tokens.eos;
  return eos === null ? tokens : [...tokens, eos];
}

/** Every example of a chat-format file as training tokens, with the base model's vocabulary. */
export async function chatTrainingSequences(modelPath: string, examples: ChatExample[]): Promise<number[][]> {
  const llama = await getEngine();
  const model = await llama.loadModel({ modelPath, vocabOnly: true });
  try {
    const sequences: number[][] = [];
    for (const example of examples) sequences.push((await chatTrainingTokens(model, example)).map(Number));
    return sequences;
  } finally {
    await model.dispose();
  }
}
