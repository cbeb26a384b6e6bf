import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAnthropicEmulator, type AnthropicEmulator } from "../emulators/anthropic/server.js";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";

const tools: Anthropic.Tool[] = [
  { name: "get_weather", description: "Weather for a city", input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
  { name: "get_time", input_schema: { type: "object", properties: { zone: { type: "string" } } } },
];
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const MASTER_KEY = "sk-switchyard-master";

describe("official @anthropic-ai/sdk -> gateway (POST /v1/messages)", () => {
  let openai: OpenaiEmulator;
  let anthropic: AnthropicEmulator;
  let gateway: RunningGateway;
  let client: Anthropic;

  beforeAll(async () => {
    openai = await startOpenaiEmulator({ apiKey: "sk-openai" });
    anthropic = await startAnthropicEmulator({ apiKey: "sk-ant" });
    // Node's 5 s default lets a busy test machine reuse a socket the emulator already closed (ECONNRESET).
    for (const emulator of [openai, anthropic]) emulator.server.keepAliveTimeout = 120_000;
    gateway = await startGateway(
      {
        providers: {
          oai: { type: "openai", base_url: openai.baseURL, api_key: "env:OPENAI_KEY" },
          claude: { type: "anthropic", base_url: anthropic.url, api_key: "env:ANTHROPIC_KEY" },
        },
        models: {
          "gpt-backed": { routes: [{ provider: "oai", model: "gpt-4o-mini" }], strategy: { circuit_breaker: { enabled: false } } },
          "claude-backed": { routes: [{ provider: "claude", model: "claude-upstream" }], strategy: { circuit_breaker: { enabled: false } } },
        },
      },
      { env: { OPENAI_KEY: "sk-openai", ANTHROPIC_KEY: "sk-ant", SWITCHYARD_MASTER_KEY: MASTER_KEY } },
    );
    client = new Anthropic({ baseURL: gateway.url, apiKey: MASTER_KEY, maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway.close();
    await Promise.all([openai.close(), anthropic.close()]);
  });

  beforeEach(() => {
    for (const emulator of [openai, anthropic]) {
      emulator.faults.clear();
      emulator.requests.length = 0;
    }
  });

  for (const model of ["gpt-backed", "claude-backed"]) {
    describe(`with ${model}`, () => {
      it("answers a plain message with Anthropic's shape", async () => {
        const message = await client.messages.create({ model, max_tokens: 100, system: "be brief", messages: [{ role: "user", content: "hello" }] });
        expect(message.type).toBe("message");
        expect(message.role).toBe("assistant");
        expect(message.model).toBe(model);
        expect(message.id).toMatch(/^msg_/);
        expect(message.content).toEqual([{ type: "text", text: "You said: hello" }]);
        expect(message.stop_reason).toBe("end_turn");
        expect(message.usage.output_tokens).toBe(3);
        expect(message.usage.input_tokens).toBeGreaterThan(0);
      });

      it("streams text that the SDK assembles with .finalMessage()", async () => {
        const stream = client.messages.stream({ model, max_tokens: 100, messages: [{ role: "user", content: "stream me a story" }] });
        let text = "";
        stream.on("text", (delta) => (text += delta));
        const final = await stream.finalMessage();
        expect(text).toBe("You said: stream me a story");
        expect(final.content).toEqual([{ type: "text", text: "You said: stream me a story" }]);
        expect(final.stop_reason).toBe("end_turn");
        expect(final.usage.output_tokens).toBe(6);
      });

      it("calls several tools in one streamed turn", async () => {
        const final = await client.messages.stream({ model, max_tokens: 100, tools, messages: [{ role: "user", content: "use all tools" }] }).finalMessage();
        expect(final.stop_reason).toBe("tool_use");
        const calls = final.content.filter((block) => block.type === "tool_use");
        expect(calls.map((block) => [block.name, block.input])).toEqual([
          ["get_weather", { city: "Paris" }],
          ["get_time", { zone: "example zone" }],
        ]);
        expect(new Set(calls.map((block) => block.id)).size).toBe(2);
      });

      it("runs a tool round trip without streaming", async () => {
        const first = await client.messages.create({ model, max_tokens: 100, tools, tool_choice: { type: "tool", name: "get_weather" }, messages: [{ role: "user", content: "weather?" }] });
        const call = first.content.find((block) => block.type === "tool_use")!;
        expect(call).toMatchObject({ name: "get_weather", input: { city: "Paris" } });
        const second = await client.messages.create({
          model,
          max_tokens: 100,
          tools,
          messages: [
            { role: "user", content: "weather?" },
            { role: "assistant", content: first.content },
            { role: "user", content: [{ type: "tool_result", tool_use_id: call.id, content: "sunny" }] },
          ],
        });
        expect(second.content).toEqual([{ type: "text", text: "The tool said: sunny" }]);
        expect(second.stop_reason).toBe("end_turn");
      });

      it("passes images through", async () => {
        const message = await client.messages.create({
          model,
          max_tokens: 100,
          messages: [
            {
              role: "user",
              content: [
                { type: "text", text: "what is this" },
                { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
                { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
              ],
            },
          ],
        });
        // The OpenAI emulator joins every part with a space, images included.
        expect(message.content).toEqual([{ type: "text", text: expect.stringMatching(/^You said: what is this\s+\(with 2 images\)$/) }]);
      });

      it("reports max_tokens as the stop reason", async () => {
        const message = await client.messages.create({ model, max_tokens: 2, messages: [{ role: "user", content: "one two three four" }] });
        expect(message.stop_reason).toBe("max_tokens");
      });

      it("turns an upstream 429 into the SDK's RateLimitError with retry-after", async () => {
        (model === "gpt-backed" ? openai : anthropic).faults.push({ kind: "status", status: 429 });
        const error = await client.messages.create({ model, max_tokens: 10, messages: [{ role: "user", content: "x" }] }).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(Anthropic.RateLimitError);
        const apiError = error as InstanceType<typeof Anthropic.RateLimitError>;
        expect(apiError.headers.get("retry-after")).toBe("1");
        expect(apiError.error).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
      });

      it("ends a stream that breaks after content with an error event the SDK raises", async () => {
        (model === "gpt-backed" ? openai : anthropic).faults.push({ kind: "error-event", afterEvents: 4 });
        const stream = client.messages.stream({ model, max_tokens: 100, messages: [{ role: "user", content: "a longer message to stream out" }] });
        await expect(stream.finalMessage()).rejects.toThrow();
      });
    });
  }

  for (const model of ["gpt-backed", "claude-backed"]) {
    it(`answers output_format json_schema with JSON text via ${model}`, async () => {
      const schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
      const request = { model, max_tokens: 100, messages: [{ role: "user", content: "largest city" }], output_format: { type: "json_schema", schema } };
      const message = await client.messages.create(request as unknown as Anthropic.MessageCreateParamsNonStreaming);
      expect(message.content).toHaveLength(1);
      expect(JSON.parse((message.content[0] as Anthropic.TextBlock).text)).toEqual({ city: "Paris" });
      expect(message.stop_reason).toBe("end_turn");
    });
  }

  it("aborts the upstream request when the Anthropic client disconnects", async () => {
    anthropic.options.eventDelayMs = 50;
    try {
      const controller = new AbortController();
      const stream = client.messages.stream(
        { model: "claude-backed", max_tokens: 100, messages: [{ role: "user", content: "a very long answer that takes a while to stream out" }] },
        { signal: controller.signal },
      );
      const before = anthropic.aborted;
      await new Promise<void>((resolve) => {
        stream.on("text", () => {
          controller.abort();
          resolve();
        });
      });
      await stream.done().catch(() => undefined);
      await expect.poll(() => anthropic.aborted, { timeout: 5000 }).toBe(before + 1);
    } finally {
      anthropic.options.eventDelayMs = 0;
    }
  });

  it("carries extended thinking and its signature to and from an Anthropic upstream", async () => {
    const request = {
      model: "claude-backed",
      max_tokens: 2000,
      thinking: { type: "enabled" as const, budget_tokens: 1024 },
      messages: [{ role: "user" as const, content: "ponder" }],
    };
    const final = await client.messages.stream(request).finalMessage();
    expect(final.content).toEqual([
      { type: "thinking", thinking: "Considering: ponder", signature: "sig-1" },
      { type: "text", text: "You said: ponder" },
    ]);
    expect(anthropic.requests[0]!.body.thinking).toEqual({ type: "enabled", budget_tokens: 1024 });
    const plain = await client.messages.create(request);
    expect(plain.content[0]).toEqual({ type: "thinking", thinking: "Considering: ponder", signature: "sig-1" });
  });

  it("maps disable_parallel_tool_use onto the OpenAI upstream", async () => {
    await client.messages.create({ model: "gpt-backed", max_tokens: 50, tools, tool_choice: { type: "any", disable_parallel_tool_use: true }, messages: [{ role: "user", content: "x" }] });
    expect(openai.requests[0]!.body).toMatchObject({ tool_choice: "required", parallel_tool_calls: false, max_tokens: 50 });
  });

  it("translates the conversation for an OpenAI upstream: system, tool results, images", async () => {
    await client.messages.create({
      model: "gpt-backed",
      max_tokens: 50,
      system: [{ type: "text", text: "sys" }],
      tools,
      messages: [
        { role: "user", content: "x" },
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "get_weather", input: { city: "Oslo" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "cold", is_error: true }, { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } }] },
      ],
    });
    expect(openai.requests[0]!.body.messages).toEqual([
      { role: "system", content: "sys" },
      { role: "user", content: "x" },
      { role: "assistant", content: null, tool_calls: [{ id: "t1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } }] },
      { role: "tool", tool_call_id: "t1", content: "cold" },
      { role: "user", content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } }] },
    ]);
  });

  it("emits Anthropic's exact event sequence", async () => {
    const response = await fetch(`${gateway.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": MASTER_KEY, "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: "gpt-backed", max_tokens: 100, stream: true, tools, messages: [{ role: "user", content: "use all tools" }] }),
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const text = await response.text();
    const events = [...text.matchAll(/^event: (\S+)\ndata: (.*)$/gm)].map((match) => [match[1]!, JSON.parse(match[2]!)] as const);
    for (const [name, data] of events) expect(data.type).toBe(name);
    const sequence = events.map(([name, data]) => (name === "content_block_delta" ? `delta:${data.delta.type}@${data.index}` : "index" in data ? `${name}@${data.index}` : name));
    expect(sequence[0]).toBe("message_start");
    expect(sequence[1]).toBe("ping");
    expect(sequence.filter((name) => !name.startsWith("delta:"))).toEqual([
      "message_start",
      "ping",
      "content_block_start@0",
      "content_block_stop@0",
      "content_block_start@1",
      "content_block_stop@1",
      "message_delta",
      "message_stop",
    ]);
    expect(sequence.filter((name) => name.startsWith("delta:")).every((name) => name.startsWith("delta:input_json_delta"))).toBe(true);
    const [, messageDelta] = events.find(([name]) => name === "message_delta")!;
    expect(messageDelta.delta.stop_reason).toBe("tool_use");
    expect(messageDelta.usage.output_tokens).toBeGreaterThan(0);
  });

  it("counts tokens with an estimate", async () => {
    const counted = await client.messages.countTokens({ model: "gpt-backed", system: "be brief", messages: [{ role: "user", content: "hello world" }] });
    expect(counted.input_tokens).toBeGreaterThanOrEqual(5);
    const withImage = await client.messages.countTokens({
      model: "gpt-backed",
      messages: [{ role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: PNG } }] }],
    });
    expect(withImage.input_tokens).toBeGreaterThan(1000);
  });

  it("answers errors in Anthropic's format as the SDK's typed errors", async () => {
    const unknown = await client.messages.create({ model: "ghost", max_tokens: 5, messages: [{ role: "user", content: "x" }] }).catch((caught: unknown) => caught);
    expect(unknown).toBeInstanceOf(Anthropic.NotFoundError);
    expect((unknown as InstanceType<typeof Anthropic.NotFoundError>).error).toMatchObject({ type: "error", error: { type: "not_found_error" } });

    const wrongKey = new Anthropic({ baseURL: gateway.url, apiKey: "nope", maxRetries: 0 });
    await expect(wrongKey.messages.create({ model: "gpt-backed", max_tokens: 5, messages: [{ role: "user", content: "x" }] })).rejects.toBeInstanceOf(Anthropic.AuthenticationError);

    anthropic.faults.push({ kind: "status", status: 529 });
    const overloaded = await client.messages.create({ model: "claude-backed", max_tokens: 5, messages: [{ role: "user", content: "x" }] }).catch((caught: unknown) => caught);
    expect(overloaded).toBeInstanceOf(Anthropic.APIError);
    expect((overloaded as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: "error", error: { type: "overloaded_error" } });
  });
});
