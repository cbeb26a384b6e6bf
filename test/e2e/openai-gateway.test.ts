import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
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

describe("official openai SDK -> gateway -> OpenAI-compatible upstreams", () => {
  let primary: OpenaiEmulator;
  let secondary: OpenaiEmulator;
  let azure: OpenaiEmulator;
  let gateway: RunningGateway;
  let client: OpenAI;

  beforeAll(async () => {
    primary = await startOpenaiEmulator({ apiKey: "sk-primary" });
    secondary = await startOpenaiEmulator({ apiKey: "sk-secondary" });
    azure = await startOpenaiEmulator({ apiKey: "azure-key" });
    gateway = await startGateway(
      {
        providers: {
          primary: { type: "openai", base_url: primary.baseURL, api_key: "env:PRIMARY_KEY" },
          secondary: { type: "openai", base_url: secondary.baseURL, api_key: "env:SECONDARY_KEY" },
          azure: { type: "azure-openai", base_url: azure.url, api_key: "env:AZURE_KEY", api_version: "2024-10-21" },
          dead: { type: "openai", base_url: "http://127.0.0.1:1/v1", api_key: "none" },
        },
        models: {
          fast: { routes: [{ provider: "primary", model: "gpt-4o-mini" }, { provider: "secondary", model: "gpt-4o-mini-backup" }] },
          "via-dead": { routes: [{ provider: "dead", model: "x" }, { provider: "secondary", model: "rescued" }] },
          "azure-fast": { routes: [{ provider: "azure", model: "my-deployment" }] },
        },
      },
      { env: { PRIMARY_KEY: "sk-primary", SECONDARY_KEY: "sk-secondary", AZURE_KEY: "azure-key" } },
    );
    client = new OpenAI({ baseURL: gateway.baseURL, apiKey: "unused", maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway.close();
    await Promise.all([primary.close(), secondary.close(), azure.close()]);
  });

  beforeEach(() => {
    for (const emulator of [primary, secondary, azure]) {
      emulator.faults.clear();
      emulator.requests.length = 0;
    }
  });

  it("answers a plain completion with usage and the route in headers", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: "fast", messages: [{ role: "system", content: "be brief" }, { role: "user", content: "hello" }], temperature: 0.2, max_tokens: 50, seed: 7, user: "u1" })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe("You said: hello");
    expect(data.model).toBe("fast");
    expect(data.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(response.headers.get("x-switchyard-provider")).toBe("primary");
    const upstream = primary.requests[0]!.body;
    expect(upstream).toMatchObject({ model: "gpt-4o-mini", temperature: 0.2, max_tokens: 50, seed: 7, user: "u1" });
    expect(upstream.messages[0]).toEqual({ role: "system", content: "be brief" });
  });

  it("streams text with the role on the first chunk and usage at the end", async () => {
    const stream = await client.chat.completions.create({
      model: "fast",
      messages: [{ role: "user", content: "tell me a long story please" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]!.choices[0]!.delta.role).toBe("assistant");
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
    expect(text).toBe("You said: tell me a long story please");
    expect(chunks.at(-1)!.usage!.completion_tokens).toBeGreaterThan(0);
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason === "stop")).toBe(true);
  });

  it("translates tools, tool_choice and tool results (non-streamed)", async () => {
    const first = await client.chat.completions.create({
      model: "fast",
      messages: [{ role: "user", content: "weather in Paris?" }],
      tools: [weatherTool],
      tool_choice: { type: "function", function: { name: "get_weather" } },
    });
    const call = first.choices[0]!.message.tool_calls![0]!;
    expect(first.choices[0]!.finish_reason).toBe("tool_calls");
    expect(call.type === "function" && JSON.parse(call.function.arguments)).toEqual({ city: "Paris" });
    expect(primary.requests[0]!.body.tool_choice).toEqual({ type: "function", function: { name: "get_weather" } });

    const second = await client.chat.completions.create({
      model: "fast",
      messages: [
        { role: "user", content: "weather in Paris?" },
        first.choices[0]!.message,
        { role: "tool", tool_call_id: call.id, content: "sunny, 21C" },
      ],
      tools: [weatherTool],
    });
    expect(second.choices[0]!.message.content).toBe("The tool said: sunny, 21C");
    const sent = primary.requests[1]!.body.messages;
    expect(sent[1].tool_calls[0].id).toBe(call.id);
    expect(sent[2]).toEqual({ role: "tool", tool_call_id: call.id, content: "sunny, 21C" });
  });

  it("streams several tool calls in one turn, arguments as deltas", async () => {
    const runner = client.chat.completions.stream({
      model: "fast",
      messages: [{ role: "user", content: "call all tools" }],
      tools: [weatherTool, timeTool],
      parallel_tool_calls: true,
    });
    let argumentDeltas = 0;
    runner.on("chunk", (chunk) => {
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) if (call.function?.arguments) argumentDeltas++;
    });
    const final = await runner.finalChatCompletion();
    const calls = final.choices[0]!.message.tool_calls!;
    expect(calls.map((call) => call.type === "function" && call.function.name)).toEqual(["get_weather", "get_time"]);
    expect(calls.map((call) => call.type === "function" && JSON.parse(call.function.arguments))).toEqual([{ city: "Paris" }, { zone: "example zone" }]);
    expect(argumentDeltas).toBeGreaterThan(2);
    expect(final.choices[0]!.finish_reason).toBe("tool_calls");
  });

  it("passes JSON schema response formats through and returns parseable JSON", async () => {
    const schema = { type: "object", properties: { name: { type: "string" }, age: { type: "integer" } }, required: ["name", "age"], additionalProperties: false };
    const completion = await client.chat.completions.create({
      model: "fast",
      messages: [{ role: "user", content: "a person" }],
      response_format: { type: "json_schema", json_schema: { name: "person", schema, strict: true } },
    });
    expect(JSON.parse(completion.choices[0]!.message.content!)).toEqual({ name: "example name", age: 42 });
    expect(primary.requests[0]!.body.response_format).toEqual({ type: "json_schema", json_schema: { name: "person", schema, strict: true } });
  });

  it("sends image parts (url and base64) upstream", async () => {
    const completion = await client.chat.completions.create({
      model: "fast",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "what is this?" },
            { type: "image_url", image_url: { url: "https://example.com/cat.png", detail: "low" } },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
          ],
        },
      ],
    });
    expect(completion.choices[0]!.message.content).toContain("with 2 images");
    const parts = primary.requests[0]!.body.messages[0].content;
    expect(parts[1]).toEqual({ type: "image_url", image_url: { url: "https://example.com/cat.png", detail: "low" } });
    expect(parts[2].image_url.url).toBe("data:image/png;base64,iVBORw0KGgo=");
  });

  it("talks to Azure OpenAI deployments with api-version and api-key", async () => {
    const completion = await client.chat.completions.create({ model: "azure-fast", messages: [{ role: "user", content: "hi azure" }], max_completion_tokens: 20 });
    expect(completion.choices[0]!.message.content).toBe("You said: hi azure");
    const recorded = azure.requests[0]!;
    expect(recorded.path).toBe("/openai/deployments/my-deployment/chat/completions?api-version=2024-10-21");
    expect(recorded.headers["api-key"]).toBe("azure-key");
    expect(recorded.body.max_completion_tokens).toBe(20);
  });

  it("accepts the PROVIDER/MODEL shorthand", async () => {
    const completion = await client.chat.completions.create({ model: "secondary/some-model", messages: [{ role: "user", content: "direct" }] });
    expect(completion.choices[0]!.message.content).toBe("You said: direct");
    expect(secondary.requests[0]!.body.model).toBe("some-model");
  });

  for (const fault of [
    { kind: "status", status: 500 },
    { kind: "status", status: 429 },
    { kind: "status", status: 503 },
    { kind: "reset" },
  ] as const) {
    it(`falls back to the second route when the first fails with ${fault.kind === "status" ? fault.status : "a connection reset"}`, async () => {
      primary.faults.push(fault);
      const { data, response } = await client.chat.completions
        .create({ model: "fast", messages: [{ role: "user", content: "rescue me" }] })
        .withResponse();
      expect(data.choices[0]!.message.content).toBe("You said: rescue me");
      expect(response.headers.get("x-switchyard-provider")).toBe("secondary");
      expect(secondary.requests[0]!.body.model).toBe("gpt-4o-mini-backup");
    });
  }

  it("falls back when a stream fails before its first byte reaches the client", async () => {
    primary.faults.push({ kind: "error-event", afterEvents: 0 });
    const stream = await client.chat.completions.create({ model: "fast", messages: [{ role: "user", content: "stream rescue" }], stream: true });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("You said: stream rescue");
    expect(secondary.requests).toHaveLength(1);
  });

  it("falls back when the first provider cannot be reached at all", async () => {
    const completion = await client.chat.completions.create({ model: "via-dead", messages: [{ role: "user", content: "anyone?" }] });
    expect(completion.choices[0]!.message.content).toBe("You said: anyone?");
  });

  it("ends a stream cut mid-way with an error event, never a clean end", async () => {
    primary.faults.push({ kind: "cut", afterEvents: 3 });
    const stream = await client.chat.completions.create({ model: "fast", messages: [{ role: "user", content: "this reply will be cut off in the middle" }], stream: true });
    let text = "";
    const failure = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(String((failure as Error).message)).toMatch(/stream/i);
    expect(text.length).toBeGreaterThan(0);
    expect(secondary.requests).toHaveLength(0);
  });

  it("does not fall back on a client error and returns it with its status", async () => {
    primary.faults.push({ kind: "status", status: 400, message: "bad things" });
    const error = await client.chat.completions.create({ model: "fast", messages: [{ role: "user", content: "x" }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).message).toContain("bad things");
    expect(secondary.requests).toHaveLength(0);
  });

  it("returns 429 with Retry-After when every route is rate limited", async () => {
    primary.faults.push({ kind: "status", status: 429, headers: { "retry-after": "7" } });
    secondary.faults.push({ kind: "status", status: 429, headers: { "retry-after": "3" } });
    const error = await client.chat.completions.create({ model: "fast", messages: [{ role: "user", content: "x" }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get("retry-after")).toBe("3");
  });

  it("returns 404 for an unknown model in OpenAI's error shape", async () => {
    const error = await client.chat.completions.create({ model: "nope", messages: [{ role: "user", content: "x" }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).code).toBe("SWY_ERR_MODEL_NOT_FOUND");
  });

  it("aborts the upstream request when the client disconnects", async () => {
    primary.options.eventDelayMs = 50;
    try {
      const controller = new AbortController();
      const stream = await client.chat.completions.create(
        { model: "fast", messages: [{ role: "user", content: "a very long answer that takes a while to stream out" }], stream: true },
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

  it("lists configured models", async () => {
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toEqual(expect.arrayContaining(["fast", "via-dead", "azure-fast"]));
  });

  it("serves embeddings through an OpenAI-compatible provider", async () => {
    const result = await client.embeddings.create({ model: "primary/text-embedding-3-small", input: ["one", "two"], dimensions: 4 });
    expect(result.data).toHaveLength(2);
    expect(result.data[0]!.embedding).toHaveLength(4);
  });
});
