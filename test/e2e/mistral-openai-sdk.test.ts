import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startMistralEmulator, type MistralEmulator } from "../emulators/mistral/server.js";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";

const weatherTool = { type: "function" as const, function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } };
const timeTool = { type: "function" as const, function: { name: "get_time", parameters: { type: "object", properties: { zone: { type: "string" } } } } };
const pixel = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

// Fault-injection tests fail a route on purpose; a breaker opened by them would skew the tests after.
const noBreaker = { circuit_breaker: { enabled: false } };

describe("official openai SDK -> gateway -> Mistral", () => {
  let mistral: MistralEmulator;
  let backup: OpenaiEmulator;
  let gateway: RunningGateway;
  let client: OpenAI;

  beforeAll(async () => {
    mistral = await startMistralEmulator({ apiKey: "ms-key" });
    backup = await startOpenaiEmulator();
    // Node's 5 s keep-alive default lets a busy machine reuse a socket the emulator already closed.
    for (const emulator of [mistral, backup]) emulator.server.keepAliveTimeout = 120_000;
    gateway = await startGateway(
      {
        providers: {
          mistral: { type: "mistral", base_url: mistral.baseURL, api_key: "env:MISTRAL_API_KEY" },
          backup: { type: "openai", base_url: backup.baseURL, api_key: "none" },
        },
        models: {
          large: { routes: [{ provider: "mistral", model: "mistral-large-latest" }], strategy: noBreaker },
          "large-with-backup": { routes: [{ provider: "mistral", model: "mistral-large-latest" }, { provider: "backup", model: "gpt-4o-mini" }], strategy: noBreaker },
          embed: { routes: [{ provider: "mistral", model: "mistral-embed" }], strategy: noBreaker },
        },
      },
      { env: { MISTRAL_API_KEY: "ms-key" } },
    );
    client = new OpenAI({ baseURL: gateway.baseURL, apiKey: "unused", maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all([mistral.close(), backup.close()]);
  });
  beforeEach(() => {
    mistral.faults.clear();
    mistral.requests.length = 0;
    backup.requests.length = 0;
  });

  it("answers a plain completion; seed and user are translated, not rejected upstream", async () => {
    const completion = await client.chat.completions.create({ model: "large", messages: [{ role: "user", content: "hello" }], seed: 5, user: "u1", max_tokens: 30 });
    expect(completion.choices[0]!.message.content).toBe("You said: hello");
    expect(completion.usage!.total_tokens).toBeGreaterThan(0);
    expect(mistral.requests[0]!.body).toMatchObject({ random_seed: 5, max_tokens: 30 });
  });

  it("drops a user message's name, which Mistral's wire does not have", async () => {
    const completion = await client.chat.completions.create({ model: "large", messages: [{ role: "user", name: "ada", content: "hello" }] });
    expect(completion.choices[0]!.message.content).toBe("You said: hello");
    expect(mistral.requests[0]!.body.messages[0]).toEqual({ role: "user", content: "hello" });
  });

  it("streams text with usage", async () => {
    const stream = await client.chat.completions.create({ model: "large", messages: [{ role: "user", content: "stream it" }], stream: true, stream_options: { include_usage: true } });
    let text = "";
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe("You said: stream it");
    expect(usage!.prompt_tokens).toBeGreaterThan(0);
  });

  it("calls several tools, and accepts OpenAI-style tool call ids coming back", async () => {
    const completion = await client.chat.completions.create({ model: "large", messages: [{ role: "user", content: "use all tools" }], tools: [weatherTool, timeTool], tool_choice: "required" });
    const calls = completion.choices[0]!.message.tool_calls!.filter((call) => call.type === "function");
    expect(calls.map((call) => call.function.name)).toEqual(["get_weather", "get_time"]);
    expect(calls[0]!.id).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(mistral.requests[0]!.body.tool_choice).toBe("any");
    // A history whose ids came from another provider still passes Mistral's 9-character rule.
    const followUp = await client.chat.completions.create({
      model: "large",
      messages: [
        { role: "user", content: "use all tools" },
        { role: "assistant", content: null, tool_calls: [{ id: "call_fromOpenAI_123", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] },
        { role: "tool", tool_call_id: "call_fromOpenAI_123", content: "sunny" },
      ],
      tools: [weatherTool],
    });
    expect(followUp.choices[0]!.message.content).toBe("The tool said: sunny");
  });

  it("streams several tool calls the SDK helper reassembles", async () => {
    const final = await client.chat.completions.stream({ model: "large", messages: [{ role: "user", content: "use all tools" }], tools: [weatherTool, timeTool] }).finalChatCompletion();
    const calls = final.choices[0]!.message.tool_calls!.filter((call) => call.type === "function");
    expect(calls.map((call) => JSON.parse(call.function.arguments))).toEqual([{ city: "Paris" }, { zone: "example zone" }]);
    expect(final.choices[0]!.finish_reason).toBe("tool_calls");
  });

  it("sends images and JSON output", async () => {
    const image = await client.chat.completions.create({
      model: "large",
      messages: [{ role: "user", content: [{ type: "text", text: "see" }, { type: "image_url", image_url: { url: pixel } }] }],
    });
    expect(image.choices[0]!.message.content).toMatch(/^You said: see +\(with 1 image\)$/);
    const json = await client.chat.completions.create({
      model: "large",
      messages: [{ role: "user", content: "a city" }],
      response_format: { type: "json_schema", json_schema: { name: "city", schema: { type: "object", properties: { name: { type: "string" } } } } },
    });
    expect(JSON.parse(json.choices[0]!.message.content!)).toEqual({ name: "example name" });
  });

  it("returns errors in OpenAI's format and falls back when Mistral fails", async () => {
    mistral.faults.push({ kind: "status", status: 429, message: "Requests rate limit exceeded" });
    expect(await client.chat.completions.create({ model: "large", messages: [{ role: "user", content: "x" }] }).catch((caught: unknown) => caught)).toBeInstanceOf(OpenAI.RateLimitError);
    mistral.faults.push({ kind: "error-event", afterEvents: 0 });
    const stream = await client.chat.completions.create({ model: "large-with-backup", messages: [{ role: "user", content: "rescue" }], stream: true });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("You said: rescue");
    expect(backup.requests).toHaveLength(1);
  });

  it("serves /v1/embeddings", async () => {
    const result = await client.embeddings.create({ model: "embed", input: ["a b", "c"] });
    expect(result.data).toHaveLength(2);
    expect(result.usage.prompt_tokens).toBe(3);
  });
});
