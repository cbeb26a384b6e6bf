import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { createModelFixtures, localConfig, type ModelFixtures } from "./fixtures.js";

// Model loads and child processes are slow on a shared two-core machine.
const SLOW = { timeout: 180_000 };

let fixtures: ModelFixtures;
let app: App;

beforeAll(async () => {
  fixtures = createModelFixtures();
  app = await createApp({ config: localConfig(fixtures) });
});

afterAll(async () => {
  await app?.close();
  fixtures?.cleanup();
});

const post = (url: string, payload: Record<string, unknown>) => app.server.inject({ method: "POST", url, payload });

describe("local provider through the OpenAI edge", SLOW, () => {
  it("answers a chat completion with real token counts", async () => {
    const response = await post("/v1/chat/completions", {
      model: "tiny-chat",
      messages: [{ role: "user", content: "the cat sat on the mat" }],
      max_tokens: 8,
      // A random model may draw end-of-text first; a seed keeps the draw fixed.
      seed: 1,
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.object).toBe("chat.completion");
    expect(body.choices[0].message.role).toBe("assistant");
    expect(["stop", "length"]).toContain(body.choices[0].finish_reason);
    expect(body.usage.prompt_tokens).toBeGreaterThan(10);
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
    expect(body.usage.completion_tokens).toBeLessThanOrEqual(8);
    expect(response.headers["x-switchyard-provider"]).toBe("local");
  });

  it("stops at max_tokens with finish_reason length", async () => {
    // A chat template's end token is rare in random weights; 3 tokens run out first.
    const body = (await post("/v1/chat/completions", { model: "tiny-chat", messages: [{ role: "user", content: "a" }], max_tokens: 3, temperature: 0 })).json();
    expect(body.usage.completion_tokens).toBeLessThanOrEqual(3);
    if (body.usage.completion_tokens === 3) expect(body.choices[0].finish_reason).toBe("length");
  });

  it("is reproducible with a seed and varies without greedy decoding", async () => {
    const request = { model: "tiny-chat", messages: [{ role: "user", content: "once upon a time" }], max_tokens: 12, temperature: 1, seed: 1234 };
    const first = (await post("/v1/chat/completions", request)).json();
    const second = (await post("/v1/chat/completions", request)).json();
    expect(second.choices[0].message.content).toBe(first.choices[0].message.content);
  });

  it("streams chat chunks, then usage and [DONE]", async () => {
    const response = await post("/v1/chat/completions", {
      model: "tiny-chat",
      messages: [{ role: "user", content: "hello" }],
      max_tokens: 6,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("text/event-stream");
    const events = response.body.split("\n\n").filter((frame) => frame.startsWith("data: ")).map((frame) => frame.slice(6));
    expect(events.at(-1)).toBe("[DONE]");
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event) as Record<string, unknown>);
    expect(chunks.every((chunk) => chunk.object === "chat.completion.chunk")).toBe(true);
    const usage = chunks.at(-1)!.usage as { completion_tokens: number };
    expect(usage.completion_tokens).toBeGreaterThan(0);
  });

  it("enforces a JSON schema with a grammar: the output parses and matches", async () => {
    const schema = {
      type: "object",
      properties: { answer: { type: "string", enum: ["yes", "no"] }, confident: { type: "boolean" } },
      required: ["answer", "confident"],
      additionalProperties: false,
    };
    for (const seed of [1, 2, 3]) {
      const body = (
        await post("/v1/chat/completions", {
          model: "tiny-chat",
          messages: [{ role: "user", content: "is the cat red?" }],
          response_format: { type: "json_schema", json_schema: { name: "verdict", schema, strict: true } },
          max_tokens: 64,
          seed,
        })
      ).json();
      const parsed = JSON.parse(body.choices[0].message.content) as Record<string, unknown>;
      expect(["yes", "no"]).toContain(parsed.answer);
      expect(typeof parsed.confident).toBe("boolean");
      expect(Object.keys(parsed).sort()).toEqual(["answer", "confident"]);
    }
  });

  it("serves /v1/completions for a base model, honouring stop sequences", async () => {
    const response = await post("/v1/completions", { model: "tiny-base", prompt: "once upon a time", max_tokens: 10, temperature: 0 });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.object).toBe("text_completion");
    expect(typeof body.choices[0].text).toBe("string");
    expect(body.usage.prompt_tokens).toBeGreaterThan(3);
    const text = body.choices[0].text as string;
    if (text.length > 1) {
      // Greedy decoding is deterministic: stopping at the second character cuts the same text there.
      const stop = text[1]!;
      const stopped = (await post("/v1/completions", { model: "tiny-base", prompt: "once upon a time", max_tokens: 10, temperature: 0, stop })).json();
      expect(stopped.choices[0].text).toBe(text.slice(0, text.indexOf(stop)));
      expect(stopped.choices[0].finish_reason).toBe("stop");
    }
  });

  it("streams /v1/completions", async () => {
    const response = await post("/v1/completions", { model: "tiny-base", prompt: "the dog", max_tokens: 5, stream: true });
    const events = response.body.split("\n\n").filter((frame) => frame.startsWith("data: ")).map((frame) => frame.slice(6));
    expect(events.at(-1)).toBe("[DONE]");
    const last = JSON.parse(events.at(-2)!) as { choices: Array<{ finish_reason: string | null }> };
    expect(["stop", "length"]).toContain(last.choices[0]!.finish_reason);
  });

  it("returns embeddings with token usage", async () => {
    const response = await post("/v1/embeddings", { model: "tiny-base", input: ["the cat", "a red dog"] });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.data).toHaveLength(2);
    expect(body.data[0].embedding).toHaveLength(64);
    expect(body.data[0].embedding).not.toEqual(body.data[1].embedding);
    expect(body.usage.prompt_tokens).toBeGreaterThan(2);
  });

  it("accepts tools and documents them to the model through its chat template", async () => {
    const messages = [{ role: "user", content: "weather?" }];
    const plain = (await post("/v1/chat/completions", { model: "tiny-chat", messages, max_tokens: 2 })).json();
    const response = await post("/v1/chat/completions", {
      model: "tiny-chat",
      messages,
      max_tokens: 2,
      tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }],
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().usage.prompt_tokens).toBeGreaterThan(plain.usage.prompt_tokens + 20);
  });

  it("rejects an unknown local model with a 404 in OpenAI's format", async () => {
    const response = await post("/v1/chat/completions", { model: "local/no-such-model", messages: [{ role: "user", content: "hi" }] });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe("SWY_ERR_MODEL_NOT_FOUND");
  });

  it("refuses a prompt longer than the context with a 400", async () => {
    const response = await post("/v1/completions", { model: "tiny-base", prompt: "the cat ".repeat(600), max_tokens: 4 });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe("SWY_ERR_CONTEXT_LENGTH_EXCEEDED");
  });
});
