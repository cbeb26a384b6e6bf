import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAnthropicEmulator, type AnthropicEmulator } from "../emulators/anthropic/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";

const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};
const timeTool = {
  type: "function" as const,
  function: { name: "get_time", parameters: { type: "object", properties: { zone: { type: "string" } } } },
};
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

describe("official openai SDK -> gateway -> Anthropic Messages API", () => {
  let primary: AnthropicEmulator;
  let secondary: AnthropicEmulator;
  let gateway: RunningGateway;
  let client: OpenAI;

  beforeAll(async () => {
    primary = await startAnthropicEmulator({ apiKey: "sk-ant-primary" });
    secondary = await startAnthropicEmulator({ apiKey: "sk-ant-secondary" });
    // Node's 5 s default lets a busy test machine reuse a socket the emulator already closed (ECONNRESET).
    for (const emulator of [primary, secondary]) emulator.server.keepAliveTimeout = 120_000;
    gateway = await startGateway(
      {
        providers: {
          claude: { type: "anthropic", base_url: primary.url, api_key: "env:ANTHROPIC_KEY" },
          backup: { type: "anthropic", base_url: `${secondary.url}/v1`, api_key: "env:BACKUP_KEY", max_tokens_by_model: { "claude-backup*": 1234 } },
          dead: { type: "anthropic", base_url: "http://127.0.0.1:1", api_key: "none" },
        },
        models: {
          // Each test injects its own faults: a breaker remembering earlier ones would skew the next test.
          claude: {
            routes: [{ provider: "claude", model: "claude-sonnet-test" }, { provider: "backup", model: "claude-backup" }],
            strategy: { circuit_breaker: { enabled: false } },
          },
          "via-dead": { routes: [{ provider: "dead", model: "x" }, { provider: "backup", model: "claude-backup" }] },
        },
      },
      { env: { ANTHROPIC_KEY: "sk-ant-primary", BACKUP_KEY: "sk-ant-secondary" } },
    );
    client = new OpenAI({ baseURL: gateway.baseURL, apiKey: "unused", maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway.close();
    await Promise.all([primary.close(), secondary.close()]);
  });

  beforeEach(() => {
    for (const emulator of [primary, secondary]) {
      emulator.faults.clear();
      emulator.requests.length = 0;
    }
  });

  it("answers a plain completion, sending Anthropic's headers, system prompt and max_tokens", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: "claude", messages: [{ role: "system", content: "be brief" }, { role: "user", content: "hello" }], temperature: 0.2, max_tokens: 50, stop: ["zzz"], user: "u1" })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe("You said: hello");
    expect(data.choices[0]!.finish_reason).toBe("stop");
    expect(data.usage!.completion_tokens).toBe(3);
    expect(response.headers.get("x-switchyard-provider")).toBe("claude");
    const seen = primary.requests[0]!;
    expect(seen.path).toBe("/v1/messages");
    expect(seen.headers["x-api-key"]).toBe("sk-ant-primary");
    expect(seen.headers["anthropic-version"]).toBe("2023-06-01");
    expect(seen.body).toMatchObject({
      model: "claude-sonnet-test",
      system: [{ type: "text", text: "be brief" }],
      max_tokens: 50,
      temperature: 0.2,
      stop_sequences: ["zzz"],
      metadata: { user_id: "u1" },
    });
  });

  it("fills in max_tokens when the client sets none", async () => {
    await client.chat.completions.create({ model: "claude", messages: [{ role: "user", content: "hi" }] });
    expect(primary.requests[0]!.body.max_tokens).toBe(8192);
    await client.chat.completions.create({ model: "backup/claude-backup-2", messages: [{ role: "user", content: "hi" }] });
    expect(secondary.requests[0]!.body.max_tokens).toBe(1234);
  });

  it("streams text with the role on the first chunk and usage at the end", async () => {
    const stream = await client.chat.completions.create({
      model: "claude",
      messages: [{ role: "user", content: "tell me a long story please" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]!.choices[0]!.delta.role).toBe("assistant");
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
    expect(text).toBe("You said: tell me a long story please");
    expect(chunks.find((chunk) => chunk.choices[0]?.finish_reason)?.choices[0]!.finish_reason).toBe("stop");
    expect(chunks.at(-1)!.usage).toMatchObject({ completion_tokens: 8 });
    expect(primary.requests[0]!.body.stream).toBe(true);
  });

  it("calls several tools in one streamed turn, each with its own index", async () => {
    const runner = client.chat.completions.stream({
      model: "claude",
      messages: [{ role: "user", content: "use all tools" }],
      tools: [weatherTool, timeTool],
    });
    const final = await runner.finalChatCompletion();
    const calls = final.choices[0]!.message.tool_calls!;
    expect(calls.map((call) => call.type === "function" && [call.function.name, JSON.parse(call.function.arguments)])).toEqual([
      ["get_weather", { city: "Paris" }],
      ["get_time", { zone: "example zone" }],
    ]);
    expect(final.choices[0]!.finish_reason).toBe("tool_calls");
    expect(primary.requests[0]!.body.tools[0]).toEqual({ name: "get_weather", description: "Weather for a city", input_schema: weatherTool.function.parameters });
  });

  it("runs a tool round trip without streaming, merging the results into one user turn", async () => {
    const first = await client.chat.completions.create({
      model: "claude",
      messages: [{ role: "user", content: "use all tools" }],
      tools: [weatherTool, timeTool],
      tool_choice: "required",
    });
    const calls = first.choices[0]!.message.tool_calls!;
    expect(calls).toHaveLength(2);
    expect(primary.requests[0]!.body.tool_choice).toEqual({ type: "any" });
    const second = await client.chat.completions.create({
      model: "claude",
      messages: [
        { role: "user", content: "use all tools" },
        first.choices[0]!.message,
        ...calls.map((call) => ({ role: "tool" as const, tool_call_id: call.id, content: `result of ${call.type === "function" ? call.function.name : ""}` })),
      ],
      tools: [weatherTool, timeTool],
    });
    expect(second.choices[0]!.message.content).toBe("The tool said: result of get_weather The tool said: result of get_time");
    const turns = primary.requests[1]!.body.messages;
    expect(turns.map((turn: { role: string }) => turn.role)).toEqual(["user", "assistant", "user"]);
    expect(turns[2].content.map((block: { type: string }) => block.type)).toEqual(["tool_result", "tool_result"]);
  });

  it("asks for one tool at a time when parallel_tool_calls is false", async () => {
    const completion = await client.chat.completions.create({
      model: "claude",
      messages: [{ role: "user", content: "use all tools" }],
      tools: [weatherTool, timeTool],
      parallel_tool_calls: false,
    });
    expect(completion.choices[0]!.message.tool_calls).toHaveLength(1);
    expect(primary.requests[0]!.body.tool_choice).toEqual({ type: "auto", disable_parallel_tool_use: true });
  });

  it("answers a JSON schema request through a forced tool, streamed and not", async () => {
    const schema = { type: "object", properties: { city: { type: "string" }, population: { type: "integer" } }, required: ["city"] };
    const request = {
      model: "claude",
      messages: [{ role: "user" as const, content: "largest city" }],
      response_format: { type: "json_schema" as const, json_schema: { name: "city", schema } },
    };
    const completion = await client.chat.completions.create(request);
    expect(JSON.parse(completion.choices[0]!.message.content!)).toEqual({ city: "Paris", population: 42 });
    expect(completion.choices[0]!.finish_reason).toBe("stop");
    expect(primary.requests[0]!.body.tool_choice).toEqual({ type: "tool", name: "json_response" });
    const stream = await client.chat.completions.create({ ...request, stream: true });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(JSON.parse(text)).toEqual({ city: "Paris", population: 42 });
  });

  it("sends images as base64 and url sources", async () => {
    const completion = await client.chat.completions.create({
      model: "claude",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "what is this" },
            { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } },
            { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
          ],
        },
      ],
    });
    expect(completion.choices[0]!.message.content).toBe("You said: what is this (with 2 images)");
    expect(primary.requests[0]!.body.messages[0].content.slice(1)).toEqual([
      { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
      { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
    ]);
  });

  it("reports the length stop reason", async () => {
    const completion = await client.chat.completions.create({ model: "claude", messages: [{ role: "user", content: "one two three four five" }], max_tokens: 2 });
    expect(completion.choices[0]!.finish_reason).toBe("length");
  });

  for (const [label, fault] of [
    ["529 overloaded", { kind: "status", status: 529 }],
    ["500", { kind: "status", status: 500 }],
    ["429", { kind: "status", status: 429 }],
    ["a connection reset", { kind: "reset" }],
    ["an error event before any content", { kind: "error-event", afterEvents: 2 }],
  ] as const) {
    it(`falls back to the second route when the first returns ${label}`, async () => {
      primary.faults.push(fault);
      const stream = await client.chat.completions.create({ model: "claude", messages: [{ role: "user", content: "rescue me" }], stream: true });
      let text = "";
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
      expect(text).toBe("You said: rescue me");
      expect(secondary.requests).toHaveLength(1);
      expect(secondary.requests[0]!.body.model).toBe("claude-backup");
    });
  }

  it("falls back when the first provider cannot be reached", async () => {
    const { data, response } = await client.chat.completions.create({ model: "via-dead", messages: [{ role: "user", content: "hi" }] }).withResponse();
    expect(data.choices[0]!.message.content).toBe("You said: hi");
    expect(response.headers.get("x-switchyard-attempts")).toBe("2");
  });

  it("returns the upstream's 429 with Retry-After when every route is rate limited", async () => {
    primary.faults.push({ kind: "status", status: 429 });
    secondary.faults.push({ kind: "status", status: 429 });
    const error = await client.chat.completions.create({ model: "claude", messages: [{ role: "user", content: "x" }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get("retry-after")).toBe("1");
  });

  it("passes an upstream 400 through as a 400 without trying another route", async () => {
    primary.faults.push({ kind: "status", status: 400, message: "messages: text content blocks must be non-empty" });
    const error = await client.chat.completions.create({ model: "claude", messages: [{ role: "user", content: "x" }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toContain("text content blocks must be non-empty");
    expect(secondary.requests).toHaveLength(0);
  });

  it("ends with an error event, never a clean end, when the stream breaks after content", async () => {
    for (const fault of [{ kind: "cut", afterEvents: 5 }, { kind: "error-event", afterEvents: 5 }] as const) {
      primary.faults.push(fault);
      const stream = await client.chat.completions.create({ model: "claude", messages: [{ role: "user", content: "a longer message to stream" }], stream: true });
      const failure = await (async () => {
        for await (const _chunk of stream) {
          // drain
        }
      })().catch((caught: unknown) => caught);
      expect(failure).toBeInstanceOf(OpenAI.APIError);
      expect(secondary.requests).toHaveLength(0);
    }
  });

  it("aborts the upstream request when the client disconnects", async () => {
    primary.options.eventDelayMs = 50;
    try {
      const controller = new AbortController();
      const stream = await client.chat.completions.create(
        { model: "claude", messages: [{ role: "user", content: "a very long answer that takes a while to stream out" }], stream: true },
        { signal: controller.signal },
      );
      const before = primary.aborted;
      for await (const _chunk of stream) {
        controller.abort();
        break;
      }
      await expect.poll(() => primary.aborted, { timeout: 5000 }).toBe(before + 1);
    } finally {
      primary.options.eventDelayMs = 0;
    }
  });
});
