/**
 * Training and serving read a conversation the same way: the tokens the local trainer learns a chat
 * example from begin with exactly the tokens the local provider's chat path evaluates for the same
 * conversation (without its last answer), and go on with that answer and the end of sequence.
 * Generated tiny models (no download): one with a ChatML template, one base model without a template
 * under a file name that invites node-llama-cpp to guess Llama 2's format.
 */
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Llama, LlamaModel } from "node-llama-cpp";
import { chatCompletionRequestSchema } from "../../src/api/openai/schema.js";
import { chatCompletionToCanonical } from "../../src/api/openai/to-canonical.js";
import { chatExamplesOf, chatTrainingSequences } from "../../src/customization/trainer/chat-training-tokens.js";
import { localChat } from "../../src/providers/local/chat-wrapper.js";
import { getEngine } from "../../src/providers/local/engine.js";
import { toChatHistory } from "../../src/providers/local/request.js";
import { createModelFixtures, type ModelFixtures } from "../local/fixtures.js";

const answer = "Your order is on its way.";
const conversation = [
  { role: "system", content: "You answer order questions." },
  { role: "user", content: "Where is my order 1234?" },
  { role: "assistant", content: "It left on Monday." },
  { role: "user", content: "And order 5678?" },
  { role: "assistant", content: answer },
];

/** The tokens the local provider's chat path puts before the model's answer. */
async function servedPrompt(model: LlamaModel, messages: unknown[]): Promise<{ tokens: number[]; wrapper: string }> {
  const context = await model.createContext({ contextSize: 512, threads: 1 });
  try {
    const sequence = context.getSequence();
    const chat = await localChat(sequence);
    const body = chatCompletionRequestSchema.parse({ model: "m", messages });
    const { history } = toChatHistory(chatCompletionToCanonical(body, {}));
    // One token is sampled and not evaluated, so the sequence then holds exactly the prompt.
    await chat.generateResponse(history, { maxTokens: 1, temperature: 0 });
    const result = { tokens: sequence.contextTokens.map(Number), wrapper: chat.chatWrapper.constructor.name };
    chat.dispose();
    return result;
  } finally {
    await context.dispose();
  }
}

describe("a chat example is trained in the format it is served in", () => {
  let fixtures: ModelFixtures;
  let llama: Llama;
  let guessable: string;

  beforeAll(async () => {
    fixtures = createModelFixtures();
    guessable = join(fixtures.modelsDir, "llama-2-7b-chat.gguf");
    copyFileSync(fixtures.baseModel, guessable);
    llama = await getEngine();
  });

  afterAll(() => fixtures?.cleanup());

  const cases = [
    { label: "a model with a ChatML template", path: () => fixtures.chatModel, wrapper: "ChatMLChatWrapper", marker: "<|im_end|>" },
    { label: "a base model without a template, named like a Llama 2 chat model", path: () => guessable, wrapper: "GeneralChatWrapper", marker: "### Assistant" },
  ];

  for (const testCase of cases) {
    it(`${testCase.label}: served prompt, then the answer, then end of sequence`, async () => {
      const path = testCase.path();
      const [training] = await chatTrainingSequences(path, chatExamplesOf(JSON.stringify({ messages: conversation }))!);
      const model = await llama.loadModel({ modelPath: path });
      try {
        const served = await servedPrompt(model, conversation.slice(0, -1));
        expect(served.wrapper).toBe(testCase.wrapper);
        expect(served.tokens.length).toBeGreaterThan(10);
        expect(training!.slice(0, served.tokens.length)).toEqual(served.tokens);
        const rest = training!.slice(served.tokens.length);
        expect(rest.at(-1)).toBe(Number(model.tokens.eos));
        expect(model.detokenize(rest.slice(0, -1) as never).trim()).toBe(answer);
        // The earlier turns are rendered in the same format, answer included.
        const text = model.detokenize(training! as never, true);
        expect(text).toContain(testCase.marker);
        expect(text).toContain("It left on Monday.");
        expect(text).not.toContain("user: Where is my order");
      } finally {
        await model.dispose();
      }
    });
  }

  it("a completion-format file is not a chat file (its examples stay texts)", () => {
    expect(chatExamplesOf(`${JSON.stringify({ prompt: "a", completion: "b" })}\n`)).toBeUndefined();
    expect(chatExamplesOf(`${JSON.stringify({ messages: conversation })}\n\n`)).toHaveLength(1);
  });
});
