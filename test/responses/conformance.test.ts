import OpenAI, { NotFoundError } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningGateway } from "../helpers/gateway.js";
import { closeUpstreams, collectEvents, eventShape, projectKey, startResponsesGateway, startUpstreams, type Upstreams } from "./helpers.js";

/**
 * The Responses API through the official openai SDK, over each provider family the gateway
 * translates to: the same requests, the same typed events, the same stored state.
 */
const weatherTool = {
  type: "function" as const,
  name: "get_weather",
  description: "Weather for a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
  strict: true,
};

const TEXT_EVENTS = [
  "response.created",
  "response.in_progress",
  "response.output_item.added",
  "response.content_part.added",
  "response.output_text.delta",
  "response.output_text.done",
  "response.content_part.done",
  "response.output_item.done",
  "response.completed",
];

let upstreams: Upstreams;
let gateway: RunningGateway;
let client: OpenAI;

beforeAll(async () => {
  upstreams = await startUpstreams();
  gateway = await startResponsesGateway(upstreams);
  client = new OpenAI({ baseURL: gateway.baseURL, apiKey: await projectKey(gateway, "conformance"), maxRetries: 0 });
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await closeUpstreams(upstreams);
});

describe.each(["gpt", "claude", "gemini", "bedrock"])("responses over %s", (model) => {
  it("creates a response with instructions and usage, and stores it", async () => {
    const { data: response, response: raw } = await client.responses.create({ model, instructions: "be brief", input: "hello there" }).withResponse();
    expect(response.id).toMatch(/^resp_/);
    expect(response.object).toBe("response");
    expect(response.status).toBe("completed");
    expect(response.model).toBe(model);
    expect(response.instructions).toBe("be brief");
    expect(response.output_text).toContain("You said: hello there");
    expect(response.output).toHaveLength(1);
    expect(response.output[0]).toMatchObject({ type: "message", role: "assistant", status: "completed" });
    expect(response.usage!.input_tokens).toBeGreaterThan(0);
    expect(response.usage!.output_tokens).toBeGreaterThan(0);
    expect(response.usage!.total_tokens).toBe(response.usage!.input_tokens + response.usage!.output_tokens);
    expect(raw.headers.get("x-switchyard-model")).toBeTruthy();

    const retrieved = await client.responses.retrieve(response.id);
    expect(retrieved.id).toBe(response.id);
    expect(retrieved.output_text).toBe(response.output_text);
    const items = await client.responses.inputItems.list(response.id);
    expect(items.data).toHaveLength(1);
    expect(items.data[0]).toMatchObject({ type: "message", role: "user", content: [{ type: "input_text", text: "hello there" }] });
  });

  it("streams OpenAI's typed event sequence with sequence numbers", async () => {
    const stream = client.responses.stream({ model, input: "tell me a long story please" });
    const events = await collectEvents(stream);
    const final = await stream.finalResponse();
    expect(eventShape(events)).toEqual(TEXT_EVENTS);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    const text = events.flatMap((event) => (event.type === "response.output_text.delta" ? [event.delta] : [])).join("");
    expect(text).toContain("You said: tell me a long story please");
    expect(events.filter((event) => event.type === "response.output_text.delta").length).toBeGreaterThan(1);
    // The SDK adds output_text only to responses it does not stream; the final snapshot carries the items.
    const message = final.output[0]!;
    expect(message.type === "message" && message.content[0]).toMatchObject({ type: "output_text", text });
    expect(final.status).toBe("completed");
    expect(final.usage!.output_tokens).toBeGreaterThan(0);
    // The stream's response was stored before its last event: retrieving it at once finds it.
    expect((await client.responses.retrieve(final.id)).output_text).toBe(text);
  });

  it("streams a function call's arguments, then continues from previous_response_id with the output", async () => {
    const stream = await client.responses.create({ model, input: "What is the weather in Paris?", tools: [weatherTool], stream: true });
    const events = await collectEvents(stream);
    expect(eventShape(events)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const completed = events.at(-1)!;
    if (completed.type !== "response.completed") throw new Error("no response.completed");
    const call = completed.response.output[0]!;
    if (call.type !== "function_call") throw new Error(`expected a function call, got ${call.type}`);
    expect(call.name).toBe("get_weather");
    expect(JSON.parse(call.arguments)).toHaveProperty("city");
    const done = events.find((event) => event.type === "response.function_call_arguments.done");
    expect(done).toMatchObject({ arguments: call.arguments, item_id: call.id });

    const next = await client.responses.create({
      model,
      previous_response_id: completed.response.id,
      input: [{ type: "function_call_output", call_id: call.call_id, output: "sunny, 21 C" }],
      tools: [weatherTool],
    });
    expect(next.previous_response_id).toBe(completed.response.id);
    expect(next.output_text).toContain("sunny, 21 C");
  });

  it("answers text.format json_schema with JSON matching the schema", async () => {
    const response = await client.responses.create({
      model,
      input: "Describe a city as JSON.",
      text: {
        format: {
          type: "json_schema",
          name: "city",
          strict: true,
          schema: { type: "object", properties: { name: { type: "string" }, population: { type: "integer" } }, required: ["name", "population"], additionalProperties: false },
        },
      },
    });
    const value = JSON.parse(response.output_text) as Record<string, unknown>;
    expect(typeof value.name).toBe("string");
    expect(Number.isInteger(value.population)).toBe(true);
  });

  it("keeps nothing with store: false, and deletes a stored response", async () => {
    const unstored = await client.responses.create({ model, input: "forget me", store: false });
    expect((unstored as unknown as { store: boolean }).store).toBe(false);
    await expect(client.responses.retrieve(unstored.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.responses.create({ model, input: "again", previous_response_id: unstored.id })).rejects.toBeInstanceOf(NotFoundError);

    const stored = await client.responses.create({ model, input: "keep me" });
    await client.responses.delete(stored.id);
    await expect(client.responses.retrieve(stored.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.responses.delete(stored.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});
