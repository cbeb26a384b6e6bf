/**
 * What a base model's chat format adds to a chat dataset's tokens. Chat examples are trained as the
 * model's chat format renders them (trainer/chat-training-tokens.ts): every message gets the template's
 * role markers, and every example its start, end of sequence and whatever the format puts around a
 * conversation. The dataset's statistics count only the messages' text, so the estimate adds this.
 *
 * Measured, not assumed: one short conversation of one turn and the same of two turns are rendered with
 * the trainer's own function and the base model's vocabulary; the difference, less the text's own
 * tokens, is what a message costs, and the rest of the one-turn rendering is what an example costs.
 */
import { stat } from "node:fs/promises";
import { getEngine } from "../../providers/local/engine.js";
import { chatTrainingTokens } from "../trainer/chat-training-tokens.js";

export interface ChatTemplateOverhead {
  /**
   * Tokens each example adds beyond its messages: beginning and end of sequence, the format's frame. It
   * may be negative: a format whose last message closes with the end of sequence instead of its
   * separator costs one less there than `perMessage` counts.
   */
  perExample: number;
  /** Tokens each message adds beyond its text: role markers and separators. */
  perMessage: number;
}

const QUESTION = "Where is my order?";
const ANSWER = "It left on Monday.";

/** Renders a one-turn and a two-turn conversation in the model's chat format and counts what the format adds. */
export async function measureChatTemplateOverhead(modelPath: string): Promise<ChatTemplateOverhead> {
  const llama = await getEngine();
  const model = await llama.loadModel({ modelPath, vocabOnly: true });
  try {
    const turn = [
      { role: "user", content: QUESTION },
      { role: "assistant", content: ANSWER },
    ];
    const one = (await chatTrainingTokens(model, { messages: turn })).length;
    const two = (await chatTrainingTokens(model, { messages: [...turn, ...turn] })).length;
    const text = model.tokenize(QUESTION).length + model.tokenize(ANSWER).length;
    const perMessage = Math.max(0, (two - one - text) / 2);
    return { perExample: one - text - 2 * perMessage, perMessage };
  } finally {
    await model.dispose();
  }
}

/** Overheads by model file, measured once per file version (loading a vocabulary takes a moment). */
export class ChatTemplateOverheads {
  private readonly cache = new Map<string, { version: string; overhead: Promise<ChatTemplateOverhead> }>();

  async read(path: string): Promise<ChatTemplateOverhead> {
    const stats = await stat(path);
    const version = `${stats.size}:${stats.mtimeMs}`;
    const cached = this.cache.get(path);
    if (cached?.version === version) return cached.overhead;
    const overhead = measureChatTemplateOverhead(path);
    this.cache.set(path, { version, overhead });
    // A file that cannot be read is measured again next time (it may be replaced), not remembered as failed.
    overhead.catch(() => this.cache.get(path)?.overhead === overhead && this.cache.delete(path));
    return overhead;
  }
}
