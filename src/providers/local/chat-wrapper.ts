/**
 * The chat format of a local model: how a conversation becomes the text the model reads. Serving
 * (provider.ts) and the local fine-tuning trainer (customization/trainer/chat-training-tokens.ts) both
 * take it from here, so a model is trained on exactly the text it is later served with.
 *
 * - A model with a `tokenizer.chat_template`: node-llama-cpp's choice for it (a built-in wrapper
 *   equivalent to the template, else the Jinja template itself).
 * - A model without one (a base model, such as stories260K): node-llama-cpp's `GeneralChatWrapper`
 *   (`### Human` / `### Assistant` turns), always. node-llama-cpp would otherwise guess a format from
 *   the file name and architecture (Llama 2's `[INST]` for any llama model), and a fine-tuned copy has
 *   another file name than its base, so the guess could change between the two.
 */
import type { ChatWrapper, LlamaChat, LlamaContextSequence, LlamaModel } from "node-llama-cpp";
import { llamaBinding } from "./binding.js";

type LlamaModule = Awaited<ReturnType<typeof llamaBinding>>;

/** Wrappers are stateless; resolving a Jinja template is not free, so each loaded model resolves once. */
const resolved = new WeakMap<LlamaModel, ChatWrapper>();

export function hasChatTemplate(model: LlamaModel): boolean {
  const template: unknown = model.fileInfo.metadata.tokenizer?.chat_template;
  return typeof template === "string" && template.trim() !== "";
}

export function chatWrapperFor(binding: LlamaModule, model: LlamaModel): ChatWrapper {
  let wrapper = resolved.get(model);
  if (!wrapper) {
    wrapper = hasChatTemplate(model) ? binding.resolveChatWrapper(model) : new binding.GeneralChatWrapper();
    resolved.set(model, wrapper);
  }
  return wrapper;
}

/** A chat over a sequence of a loaded model, in that model's chat format. */
export async function localChat(sequence: LlamaContextSequence): Promise<LlamaChat> {
  const binding = await llamaBinding();
  return new binding.LlamaChat({ contextSequence: sequence, autoDisposeSequence: false, chatWrapper: chatWrapperFor(binding, sequence.model) });
}
