import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { createModelFixtures, hasStories, localConfig, STORIES_MODEL, type ModelFixtures } from "../local/fixtures.js";
import { collectEvents } from "./helpers.js";

/** `/v1/responses` over local GGUF models (node-llama-cpp in-process) through the official SDK. */

// Model loads are slow on a shared two-core machine.
const SLOW = { timeout: 180_000 };

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
}, 120_000);

afterAll(async () => {
  await app?.close();
  fixtures?.cleanup();
});

describe("responses over a tiny generated local model", SLOW, () => {
  it("creates a response with usage and keeps it for previous_response_id", async () => {
    const first = await client.responses.create({ model: "tiny-chat", instructions: "be brief", input: "hi", max_output_tokens: 6, temperature: 0 });
    expect(["completed", "incomplete"]).toContain(first.status);
    expect(first.usage!.input_tokens).toBeGreaterThan(3);
    expect(first.usage!.output_tokens).toBeLessThanOrEqual(6);
    const second = await client.responses.create({ model: "tiny-chat", previous_response_id: first.id, input: "more", max_output_tokens: 6, temperature: 0 });
    // The second turn's prompt holds the first turn too.
    expect(second.usage!.input_tokens).toBeGreaterThan(first.usage!.input_tokens);
    expect((await client.responses.retrieve(second.id)).previous_response_id).toBe(first.id);
  });

  it("streams typed events whose deltas add up to the final text", async () => {
    const stream = client.responses.stream({ model: "tiny-chat", input: "tell a story", max_output_tokens: 8, temperature: 0 });
    const events = await collectEvents(stream);
    const final = await stream.finalResponse();
    expect(events.slice(0, 2).map((event) => event.type)).toEqual(["response.created", "response.in_progress"]);
    expect(["response.completed", "response.incomplete"]).toContain(events.at(-1)!.type);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    const deltas = events.flatMap((event) => (event.type === "response.output_text.delta" ? [event.delta] : [])).join("");
    const message = final.output.find((item) => item.type === "message");
    expect(message?.type === "message" ? message.content.map((part) => (part.type === "output_text" ? part.text : "")).join("") : "").toBe(deltas);
  });

  it("answers text.format json_schema with valid JSON (grammar-constrained)", async () => {
    const response = await client.responses.create({
      model: "tiny-chat",
      input: "rate the mat",
      max_output_tokens: 80,
      text: {
        format: {
          type: "json_schema",
          name: "rating",
          strict: true,
          schema: { type: "object", properties: { score: { type: "integer", enum: [1, 2, 3] } }, required: ["score"], additionalProperties: false },
        },
      },
    });
    expect([1, 2, 3]).toContain((JSON.parse(response.output_text) as { score: number }).score);
  });
});

describe.skipIf(!hasStories)("responses over stories260K (a real TinyStories model)", SLOW, () => {
  it("tells a story", async () => {
    const response = await client.responses.create({ model: "stories", input: "Once upon a time", max_output_tokens: 40, temperature: 0 });
    expect(response.output_text.split(" ").length).toBeGreaterThan(5);
    expect(response.usage!.output_tokens).toBeGreaterThan(5);
  });
});
