import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startGeminiEmulator, type GeminiEmulator } from "../emulators/gemini/server.js";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";

const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
  },
};
const timeTool = { type: "function" as const, function: { name: "get_time", parameters: { type: "object", properties: { zone: { type: "string" } } } } };
const pixel = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

// Fault-injection tests fail a route on purpose; a breaker opened by them would skew the tests after.
const noBreaker = { circuit_breaker: { enabled: false } };

describe("official openai SDK -> gateway -> Gemini (AI Studio and Vertex)", () => {
  let gemini: GeminiEmulator;
  let backup: OpenaiEmulator;
  let gateway: RunningGateway;
  let client: OpenAI;

  beforeAll(async () => {
    gemini = await startGeminiEmulator({ apiKey: "gm-key", accessToken: "ya29.token" });
    backup = await startOpenaiEmulator();
    // Node's 5 s keep-alive default lets a busy machine reuse a socket the emulator already closed.
    for (const emulator of [gemini, backup]) emulator.server.keepAliveTimeout = 120_000;
    gateway = await startGateway(
      {
        providers: {
          studio: { type: "gemini", api_key: "env:GEMINI_API_KEY", base_url: gemini.url },
          vertex: { type: "gemini", base_url: gemini.url, vertex: { project: "proj", location: "us-central1", access_token: "env:VERTEX_TOKEN" } },
          backup: { type: "openai", base_url: backup.baseURL, api_key: "none" },
        },
        models: {
          flash: { routes: [{ provider: "studio", model: "gemini-2.0-flash" }], strategy: noBreaker },
          "vertex-flash": { routes: [{ provider: "vertex", model: "gemini-2.0-flash" }], strategy: noBreaker },
          "flash-with-backup": { routes: [{ provider: "studio", model: "gemini-2.0-flash" }, { provider: "backup", model: "gpt-4o-mini" }], strategy: noBreaker },
          embed: { routes: [{ provider: "studio", model: "text-embedding-004" }], strategy: noBreaker },
        },
      },
      { env: { GEMINI_API_KEY: "gm-key", VERTEX_TOKEN: "ya29.token" } },
    );
    client = new OpenAI({ baseURL: gateway.baseURL, apiKey: "unused", maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all([gemini.close(), backup.close()]);
  });
  beforeEach(() => {
    gemini.faults.clear();
    gemini.requests.length = 0;
    backup.requests.length = 0;
  });

  it("answers a plain completion with usage; the system prompt becomes systemInstruction", async () => {
    const completion = await client.chat.completions.create({
      model: "flash",
      messages: [{ role: "system", content: "be brief" }, { role: "user", content: "hello" }],
      max_tokens: 50,
    });
    expect(completion.choices[0]!.message.content).toBe("[be brief] You said: hello");
    expect(completion.choices[0]!.finish_reason).toBe("stop");
    expect(completion.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(gemini.requests[0]!.body.systemInstruction).toEqual({ parts: [{ text: "be brief" }] });
    expect(gemini.requests[0]!.body.generationConfig.maxOutputTokens).toBe(50);
  });

  it("streams text with usage at the end", async () => {
    const stream = await client.chat.completions.create({
      model: "flash",
      messages: [{ role: "user", content: "tell me something long" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe("You said: tell me something long");
    expect(finish).toBe("stop");
    expect(usage!.completion_tokens).toBeGreaterThan(0);
  });

  it("returns several tool calls with finish_reason tool_calls although Gemini said STOP", async () => {
    const completion = await client.chat.completions.create({
      model: "flash",
      messages: [{ role: "user", content: "use all tools" }],
      tools: [weatherTool, timeTool],
    });
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe("tool_calls");
    const calls = choice.message.tool_calls!.filter((call) => call.type === "function");
    expect(calls.map((call) => call.function.name)).toEqual(["get_weather", "get_time"]);
    expect(JSON.parse(calls[0]!.function.arguments)).toEqual({ city: "Paris" });
    expect(new Set(calls.map((call) => call.id)).size).toBe(2);
    // additionalProperties is sanitised away instead of failing upstream.
    expect(gemini.requests[0]!.body.tools[0].functionDeclarations[0].parameters.additionalProperties).toBeUndefined();

    // The results go back by id; Gemini receives them by function name.
    const followUp = await client.chat.completions.create({
      model: "flash",
      messages: [
        { role: "user", content: "use all tools" },
        choice.message,
        { role: "tool", tool_call_id: calls[0]!.id, content: '{"temp":21}' },
        { role: "tool", tool_call_id: calls[1]!.id, content: "noon" },
      ],
      tools: [weatherTool, timeTool],
    });
    expect(followUp.choices[0]!.message.content).toContain("The tool said");
    const sent = gemini.requests[1]!.body.contents;
    expect(sent[1].role).toBe("model");
    expect(sent[2].parts).toEqual([
      { functionResponse: { name: "get_weather", response: { content: { temp: 21 } } } },
      { functionResponse: { name: "get_time", response: { content: "noon" } } },
    ]);
  });

  it("streams tool calls that the SDK's helper reassembles, with finish_reason tool_calls", async () => {
    const runner = client.chat.completions.stream({
      model: "flash",
      messages: [{ role: "user", content: "use all tools" }],
      tools: [weatherTool, timeTool],
    });
    const final = await runner.finalChatCompletion();
    const choice = final.choices[0]!;
    expect(choice.finish_reason).toBe("tool_calls");
    const calls = choice.message.tool_calls!.filter((call) => call.type === "function");
    expect(calls.map((call) => call.function.name)).toEqual(["get_weather", "get_time"]);
    expect(JSON.parse(calls[1]!.function.arguments)).toEqual({ zone: "example zone" });
  });

  it("sends images as inlineData", async () => {
    const completion = await client.chat.completions.create({
      model: "flash",
      messages: [{ role: "user", content: [{ type: "text", text: "what is this" }, { type: "image_url", image_url: { url: pixel } }] }],
    });
    expect(completion.choices[0]!.message.content).toBe("You said: what is this (with 1 image)");
    expect(gemini.requests[0]!.body.contents[0].parts[1].inlineData.mimeType).toBe("image/png");
  });

  it("answers JSON output through responseSchema, sanitised", async () => {
    const completion = await client.chat.completions.create({
      model: "flash",
      messages: [{ role: "user", content: "a city" }],
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "city",
          strict: true,
          schema: { type: "object", properties: { name: { type: "string" }, population: { type: "integer" } }, required: ["name", "population"], additionalProperties: false },
        },
      },
    });
    expect(JSON.parse(completion.choices[0]!.message.content!)).toEqual({ name: "example name", population: 42 });
    expect(gemini.requests[0]!.body.generationConfig.responseMimeType).toBe("application/json");
  });

  it("maps a safety stop to content_filter", async () => {
    const completion = await client.chat.completions.create({ model: "flash", messages: [{ role: "user", content: "something unsafe" }] });
    expect(completion.choices[0]!.finish_reason).toBe("content_filter");
  });

  it("returns upstream errors in OpenAI's format", async () => {
    gemini.faults.push({ kind: "status", status: 429, message: "Resource has been exhausted" });
    const limited = await client.chat.completions.create({ model: "flash", messages: [{ role: "user", content: "x" }] }).catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    gemini.faults.push({ kind: "status", status: 400, message: "Invalid argument" });
    const bad = await client.chat.completions.create({ model: "flash", messages: [{ role: "user", content: "x" }] }).catch((error: unknown) => error);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    expect((bad as Error).message).toContain("Invalid argument");
  });

  it("falls back to the next route when Gemini fails, before and inside a 200 stream", async () => {
    gemini.faults.push({ kind: "status", status: 503 });
    const rescued = await client.chat.completions.create({ model: "flash-with-backup", messages: [{ role: "user", content: "hi" }] });
    expect(rescued.choices[0]!.message.content).toBe("You said: hi");
    expect(backup.requests).toHaveLength(1);

    gemini.faults.push({ kind: "error-event", afterEvents: 0 });
    const stream = await client.chat.completions.create({ model: "flash-with-backup", messages: [{ role: "user", content: "again" }], stream: true });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("You said: again");
    expect(backup.requests).toHaveLength(2);
  });

  it("reports a Gemini stream cut mid-way as an error, not a clean end", async () => {
    gemini.faults.push({ kind: "cut", afterEvents: 2 });
    // Depending on when the socket drops, the failure surfaces as the response status or mid-stream.
    const outcome = await (async () => {
      const stream = await client.chat.completions.create({ model: "flash", messages: [{ role: "user", content: "a fairly long sentence to stream" }], stream: true });
      for await (const _chunk of stream) {
        // drain
      }
      return "clean end";
    })().catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(Error);
  });

  it("carries Gemini 3 thought signatures through the tool call ids, so the next turn is accepted", async () => {
    const first = await client.chat.completions.create({ model: "studio/gemini-3-pro-preview", messages: [{ role: "user", content: "use all tools" }], tools: [weatherTool, timeTool] });
    const message = first.choices[0]!.message;
    const calls = message.tool_calls!.filter((call) => call.type === "function");
    const second = await client.chat.completions.create({
      model: "studio/gemini-3-pro-preview",
      messages: [
        { role: "user", content: "use all tools" },
        message,
        ...calls.map((call) => ({ role: "tool" as const, tool_call_id: call.id, content: "done" })),
      ],
      tools: [weatherTool, timeTool],
    });
    expect(second.choices[0]!.message.content).toContain("The tool said");
    const sentBack = gemini.requests[1]!.body.contents[1].parts;
    expect(sentBack.map((part: any) => part.thoughtSignature)).toEqual([
      Buffer.from("sig-gemini-3-pro-preview-0").toString("base64"),
      Buffer.from("sig-gemini-3-pro-preview-1").toString("base64"),
    ]);
    // Without the signature Gemini 3 refuses the turn, as the real service does.
    const unsigned = await client.chat.completions
      .create({
        model: "studio/gemini-3-pro-preview",
        messages: [
          { role: "user", content: "use all tools" },
          { role: "assistant", content: null, tool_calls: [{ id: "call_plain", type: "function", function: { name: "get_weather", arguments: "{}" } }] },
          { role: "tool", tool_call_id: "call_plain", content: "done" },
        ],
        tools: [weatherTool],
      })
      .catch((error: unknown) => error);
    expect(unsigned).toBeInstanceOf(OpenAI.BadRequestError);
    expect((unsigned as Error).message).toContain("thought_signature");
  });

  it("serves Vertex AI routes with the bearer token", async () => {
    const completion = await client.chat.completions.create({ model: "vertex-flash", messages: [{ role: "user", content: "vertex" }] });
    expect(completion.choices[0]!.message.content).toBe("You said: vertex");
    expect(gemini.requests[0]!.path).toBe("/v1/projects/proj/locations/us-central1/publishers/google/models/gemini-2.0-flash:generateContent");
    expect(gemini.requests[0]!.headers.authorization).toBe("Bearer ya29.token");
  });

  it("serves /v1/embeddings through batchEmbedContents", async () => {
    const result = await client.embeddings.create({ model: "embed", input: ["alpha", "beta"], dimensions: 4 });
    expect(result.data.map((item) => item.embedding.length)).toEqual([4, 4]);
  });
});
