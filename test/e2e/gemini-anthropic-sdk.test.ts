import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startBedrockEmulator, type BedrockEmulator } from "../emulators/bedrock/server.js";
import { startGeminiEmulator, type GeminiEmulator } from "../emulators/gemini/server.js";
import { startMistralEmulator, type MistralEmulator } from "../emulators/mistral/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";

const tools: Anthropic.Tool[] = [
  { name: "get_weather", description: "Weather for a city", input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
  { name: "get_time", input_schema: { type: "object", properties: { zone: { type: "string" } } } },
];
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const noBreaker = { circuit_breaker: { enabled: false } };
const aws = { accessKeyId: "AKIDANTHROPIC", secretAccessKey: "anthropic/e2e" };

// Clients built on Anthropic's SDK reach Gemini, Bedrock and Mistral models through POST /v1/messages.
describe("official @anthropic-ai/sdk -> gateway -> Gemini, Bedrock, Mistral", () => {
  let gemini: GeminiEmulator;
  let bedrock: BedrockEmulator;
  let mistral: MistralEmulator;
  let gateway: RunningGateway;
  let client: Anthropic;

  beforeAll(async () => {
    gemini = await startGeminiEmulator({ apiKey: "gm-key" });
    bedrock = await startBedrockEmulator({ credentials: aws });
    mistral = await startMistralEmulator({ apiKey: "ms-key" });
    for (const emulator of [gemini, bedrock, mistral]) emulator.server.keepAliveTimeout = 120_000;
    gateway = await startGateway(
      {
        providers: {
          studio: { type: "gemini", api_key: "env:GEMINI_API_KEY", base_url: gemini.url },
          aws: { type: "bedrock", base_url: bedrock.url, region: "us-east-1", access_key_id: "env:AWS_KEY", secret_access_key: "env:AWS_SECRET" },
          mistral: { type: "mistral", base_url: mistral.baseURL, api_key: "env:MISTRAL_API_KEY" },
        },
        models: {
          "gemini-flash": { routes: [{ provider: "studio", model: "gemini-2.0-flash" }], strategy: noBreaker },
          "bedrock-claude": { routes: [{ provider: "aws", model: "anthropic.claude-3-5-haiku-20241022-v1:0" }], strategy: noBreaker },
          "mistral-large": { routes: [{ provider: "mistral", model: "mistral-large-latest" }], strategy: noBreaker },
        },
      },
      { env: { GEMINI_API_KEY: "gm-key", AWS_KEY: aws.accessKeyId, AWS_SECRET: aws.secretAccessKey, MISTRAL_API_KEY: "ms-key" } },
    );
    client = new Anthropic({ baseURL: gateway.url, apiKey: "unused", maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all([gemini.close(), bedrock.close(), mistral.close()]);
  });
  beforeEach(() => {
    for (const emulator of [gemini, bedrock, mistral]) {
      emulator.faults.clear();
      emulator.requests.length = 0;
    }
  });

  it("streams Gemini's function calls with their arguments as input_json_delta (not dropped), stop_reason tool_use", async () => {
    const stream = client.messages.stream({ model: "gemini-flash", max_tokens: 100, tools, messages: [{ role: "user", content: "use all tools" }] });
    const jsonDeltas: string[] = [];
    stream.on("inputJson", (delta) => jsonDeltas.push(delta));
    const final = await stream.finalMessage();
    const uses = final.content.filter((block): block is Anthropic.ToolUseBlock => block.type === "tool_use");
    expect(uses.map((use) => [use.name, use.input])).toEqual([
      ["get_weather", { city: "Paris" }],
      ["get_time", { zone: "example zone" }],
    ]);
    expect(jsonDeltas.join("")).toContain('"city":"Paris"');
    expect(final.stop_reason).toBe("tool_use");
    expect(new Set(uses.map((use) => use.id)).size).toBe(2);
  });

  it("runs a Gemini tool round trip: tool_result blocks go back as functionResponse by name", async () => {
    const first = await client.messages.create({ model: "gemini-flash", max_tokens: 100, tools, messages: [{ role: "user", content: "weather please" }] });
    expect(first.stop_reason).toBe("tool_use");
    const use = first.content.find((block): block is Anthropic.ToolUseBlock => block.type === "tool_use")!;
    const second = await client.messages.create({
      model: "gemini-flash",
      max_tokens: 100,
      tools,
      messages: [
        { role: "user", content: "weather please" },
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: use.id, content: "sunny" }] },
      ],
    });
    expect(second.content).toEqual([{ type: "text", text: 'The tool said: {"content":"sunny"}' }]);
    expect(gemini.requests[1]!.body.contents[2].parts[0]).toEqual({ functionResponse: { name: "get_weather", response: { content: "sunny" } } });
  });

  it("answers Gemini text, streamed, with a system prompt and an image", async () => {
    const final = await client.messages
      .stream({
        model: "gemini-flash",
        max_tokens: 100,
        system: "be brief",
        messages: [{ role: "user", content: [{ type: "text", text: "what is this" }, { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } }] }],
      })
      .finalMessage();
    expect(final.content).toEqual([{ type: "text", text: "[be brief] You said: what is this (with 1 image)" }]);
    expect(final.stop_reason).toBe("end_turn");
    expect(final.usage.input_tokens).toBeGreaterThan(0);
  });

  it("turns a Gemini 429 into the SDK's RateLimitError", async () => {
    gemini.faults.push({ kind: "status", status: 429, message: "Resource has been exhausted" });
    const error = await client.messages.create({ model: "gemini-flash", max_tokens: 10, messages: [{ role: "user", content: "x" }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
  });

  for (const model of ["bedrock-claude", "mistral-large"]) {
    it(`streams several tool calls from ${model} with their arguments`, async () => {
      const final = await client.messages.stream({ model, max_tokens: 100, tools, messages: [{ role: "user", content: "use all tools" }] }).finalMessage();
      const uses = final.content.filter((block): block is Anthropic.ToolUseBlock => block.type === "tool_use");
      expect(uses.map((use) => [use.name, use.input])).toEqual([
        ["get_weather", { city: "Paris" }],
        ["get_time", { zone: "example zone" }],
      ]);
      expect(final.stop_reason).toBe("tool_use");
    });

    it(`answers plain text from ${model}`, async () => {
      const message = await client.messages.create({ model, max_tokens: 100, messages: [{ role: "user", content: "hello" }] });
      expect(message.content).toEqual([{ type: "text", text: "You said: hello" }]);
      expect(message.stop_reason).toBe("end_turn");
    });
  }

  it("ends a Bedrock stream that fails after text with an error the SDK raises", async () => {
    bedrock.faults.push({ kind: "error-event", afterEvents: 3, message: "modelStreamErrorException: The model stream had an error." });
    const stream = client.messages.stream({ model: "bedrock-claude", max_tokens: 100, messages: [{ role: "user", content: "a longer message to stream out" }] });
    await expect(stream.finalMessage()).rejects.toThrow();
  });
});
