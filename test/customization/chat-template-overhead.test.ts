/**
 * The local estimate counts what the base model's chat format adds to a chat dataset: measured by
 * rendering a short conversation with the trainer's own function, it accounts for the real training
 * tokens of other conversations (text tokens + per example + per message), and the estimate uses it
 * when the model's file is on the node, and only then.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { measureChatTemplateOverhead } from "../../src/customization/fine-tuning/chat-template-overhead.js";
import { trainingWindow, windowTokens } from "../../src/customization/fine-tuning/local-estimate.js";
import { chatExamplesOf, chatTrainingSequences } from "../../src/customization/trainer/chat-training-tokens.js";
import { getEngine } from "../../src/providers/local/engine.js";
import { createModelFixtures, localConfig, type ModelFixtures } from "../local/fixtures.js";

const MASTER = "sk-master-chat-overhead";
const conversations = [
  [
    { role: "user", content: "the big dog" },
    { role: "assistant", content: "sat on the mat" },
  ],
  [
    { role: "system", content: "the cat was big" },
    { role: "user", content: "the red dog" },
    { role: "assistant", content: "the dog sat on the mat and the cat was big" },
  ],
  [
    { role: "user", content: "the cat" },
    { role: "assistant", content: "was big" },
    { role: "user", content: "and the dog" },
    { role: "assistant", content: "was red" },
  ],
];
const jsonl = (count: number) => Array.from({ length: count }, (_, index) => JSON.stringify({ messages: conversations[index % conversations.length] })).join("\n") + "\n";

describe("the chat format's tokens in the local estimate", () => {
  let fixtures: ModelFixtures;
  let app: App;

  beforeAll(async () => {
    fixtures = createModelFixtures();
    const config = localConfig(fixtures);
    app = await createApp({
      env: { SWITCHYARD_MASTER_KEY: MASTER },
      config: {
        ...config,
        models: { ...(config.models as object), "not-pulled": { routes: [{ provider: "local", model: "not-pulled" }] } },
        fine_tuning: { local: { threads: 1, context_size: 64 } },
      },
    });
  });

  afterAll(async () => {
    await app?.close();
    fixtures?.cleanup();
  });

  for (const which of ["chatModel", "baseModel"] as const) {
    it(`measured on one conversation, accounts for others' training tokens (${which === "chatModel" ? "ChatML" : "no template"})`, async () => {
      const path = fixtures[which];
      const overhead = await measureChatTemplateOverhead(path);
      expect(overhead.perMessage).toBeGreaterThan(0);
      // A one-turn example costs more than its text.
      expect(overhead.perExample + 2 * overhead.perMessage).toBeGreaterThan(0);
      const sequences = await chatTrainingSequences(path, chatExamplesOf(jsonl(conversations.length))!);
      const model = await (await getEngine()).loadModel({ modelPath: path, vocabOnly: true });
      try {
        conversations.forEach((messages, index) => {
          const text = messages.reduce((sum, message) => sum + model.tokenize(message.content).length, 0);
          const modelled = text + overhead.perExample + messages.length * overhead.perMessage;
          // Tokens may merge where a message's text meets the format's markers: at most one a message. A format
          // without a template of its own writes a system message with less around it than a turn: counted as
          // a turn, it makes the estimate high by at most one message's overhead, never low.
          const system = messages.filter((message) => message.role === "system").length;
          const slack = which === "baseModel" ? system * overhead.perMessage : 0;
          const real = sequences[index]!.length;
          expect(real - modelled, `conversation ${index}: ${real} vs ${modelled}`).toBeLessThanOrEqual(messages.length);
          expect(modelled - real, `conversation ${index}: ${real} vs ${modelled}`).toBeLessThanOrEqual(messages.length + slack);
        });
      } finally {
        await model.dispose();
      }
    });
  }

  it("adds it to a chat dataset's estimate when the base model's file is here, and not otherwise", async () => {
    const boundary = "overheadboundary";
    const payload =
      `--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nfine-tune\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="chat.jsonl"\r\n\r\n${jsonl(30)}\r\n--${boundary}--\r\n`;
    const headers = { authorization: `Bearer ${MASTER}` };
    const uploaded = await app.server.inject({ method: "POST", url: "/v1/files", payload, headers: { ...headers, "content-type": `multipart/form-data; boundary=${boundary}` } });
    expect(uploaded.statusCode, uploaded.body).toBe(200);
    const file = uploaded.json() as { id: string; dataset: { statistics: { examples: number; messages: number; totalTokens: number; minTokensPerExample: number; maxTokensPerExample: number; meanTokensPerExample: number } } };
    const statistics = file.dataset.statistics;
    expect(statistics).toMatchObject({ examples: 30, messages: 30 * 3 });
    const estimate = async (model: string) => {
      const answer = await app.server.inject({ method: "POST", url: "/v1/fine_tuning/estimates", headers, payload: { model, training_file: file.id, hyperparameters: { n_epochs: 2 } } });
      expect(answer.statusCode, answer.body).toBe(200);
      return (answer.json() as { trained_tokens: number }).trained_tokens;
    };
    const window = trainingWindow(64);
    const withFormat = windowTokens(statistics, 2, window, await measureChatTemplateOverhead(fixtures.chatModel));
    const without = windowTokens(statistics, 2, window);
    expect(withFormat).toBeGreaterThan(without);
    expect(await estimate("tiny-chat")).toBe(withFormat);
    // No file on this node: nothing to measure, so the text and BOS/EOS alone, as before.
    expect(await estimate("not-pulled")).toBe(without);
  });
});
