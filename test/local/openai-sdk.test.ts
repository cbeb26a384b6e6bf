import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { createModelFixtures, hasStories, localConfig, STORIES_MODEL, type ModelFixtures } from "./fixtures.js";

// Model loads and child processes are slow on a shared two-core machine.
const SLOW = { timeout: 180_000 };
// Sampled requests carry a seed: a random model may otherwise draw end-of-text first and answer nothing.

let fixtures: ModelFixtures;
let app: App;
let client: OpenAI;

beforeAll(async () => {
  fixtures = createModelFixtures();
  const config = localConfig(fixtures, { models: hasStories ? { stories: { file: STORIES_MODEL, context_size: 256 } } : {} });
  if (hasStories) (config.models as Record<string, unknown>).stories = { routes: [{ provider: "local", model: "stories" }] };
  app = await createApp({ config });
  await app.server.listen({ port: 0, host: "127.0.0.1" });
  const { port } = app.server.server.address() as AddressInfo;
  client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: "unused", maxRetries: 0 });
});

afterAll(async () => {
  await app?.close();
  fixtures?.cleanup();
});

describe("official openai SDK against local models", SLOW, () => {
  it("completion", async () => {
    const completion = await client.completions.create({ model: "tiny-base", prompt: "the cat", max_tokens: 6, seed: 1 });
    expect(completion.object).toBe("text_completion");
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
    expect(completion.usage?.completion_tokens).toBeLessThanOrEqual(6);
  });

  it("chat", async () => {
    const completion = await client.chat.completions.create({
      model: "tiny-chat",
      messages: [{ role: "system", content: "be brief" }, { role: "user", content: "hi" }],
      max_tokens: 5,
    });
    expect(completion.choices[0]!.message.role).toBe("assistant");
    expect(completion.usage!.prompt_tokens).toBeGreaterThan(5);
  });

  it("chat streaming with usage", async () => {
    const stream = await client.chat.completions.create({
      model: "tiny-chat",
      messages: [{ role: "user", content: "tell a story" }],
      max_tokens: 8,
      seed: 3,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let completionTokens = 0;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish ??= chunk.choices[0]?.finish_reason;
      if (chunk.usage) completionTokens = chunk.usage.completion_tokens;
    }
    expect(completionTokens).toBeGreaterThan(0);
    expect(["stop", "length"]).toContain(finish);
    expect(typeof text).toBe("string");
  });

  it("JSON schema output is parsed and valid", async () => {
    const completion = await client.chat.completions.parse({
      model: "tiny-chat",
      messages: [{ role: "user", content: "rate the mat" }],
      max_tokens: 80,
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "rating",
          strict: true,
          schema: {
            type: "object",
            properties: { score: { type: "integer", enum: [1, 2, 3] }, tags: { type: "array", items: { type: "string", enum: ["red", "big"] }, maxItems: 2 } },
            required: ["score", "tags"],
            additionalProperties: false,
          },
        },
      },
    });
    const parsed = completion.choices[0]!.message.parsed as unknown as { score: number; tags: string[] };
    expect([1, 2, 3]).toContain(parsed.score);
    expect(parsed.tags.every((tag) => tag === "red" || tag === "big")).toBe(true);
  });

  it("embeddings (the SDK asks for base64 and decodes it)", async () => {
    const result = await client.embeddings.create({ model: "tiny-base", input: ["the red cat", "once upon a time"] });
    expect(result.data).toHaveLength(2);
    expect(result.data[0]!.embedding).toHaveLength(64);
    expect(result.data[0]!.embedding.every((value) => Number.isFinite(value))).toBe(true);
    expect(result.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it("maps a gateway error onto the SDK's error classes", async () => {
    await expect(client.chat.completions.create({ model: "local/nothing-here", messages: [{ role: "user", content: "x" }] })).rejects.toBeInstanceOf(
      OpenAI.NotFoundError,
    );
  });
});

describe.skipIf(!hasStories)("stories260K (a real TinyStories model), end to end", SLOW, () => {
  it("continues 'Once upon a time' as a story", async () => {
    const completion = await client.completions.create({ model: "stories", prompt: "Once upon a time", max_tokens: 40, temperature: 0 });
    const text = completion.choices[0]!.text;
    expect(text).toMatch(/there was a|little|named/);
    expect(text.split(" ").length).toBeGreaterThan(8);
  });

  it("streams a story token by token", async () => {
    const stream = await client.completions.create({ model: "stories", prompt: "Once upon a time", max_tokens: 30, temperature: 0, stream: true });
    const pieces: string[] = [];
    for await (const chunk of stream) if (chunk.choices[0]?.text) pieces.push(chunk.choices[0].text);
    expect(pieces.length).toBeGreaterThan(5);
    expect(pieces.join("")).toMatch(/there was a|little|named/);
  });

  it("answers chat through a fallback template (the model has none of its own)", async () => {
    const completion = await client.chat.completions.create({ model: "stories", messages: [{ role: "user", content: "Tell me a story about a dog." }], max_tokens: 20, seed: 3 });
    expect(completion.choices[0]!.message.content?.length ?? 0).toBeGreaterThan(0);
  });
});
