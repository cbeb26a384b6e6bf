import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startBedrockEmulator, type BedrockEmulator } from "../emulators/bedrock/server.js";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";

const credentials = { accessKeyId: "AKIDE2E", secretAccessKey: "e2e/secret", sessionToken: "e2e-token" };
const claude = "anthropic.claude-3-5-sonnet-20240620-v1:0";
const weatherTool = { type: "function" as const, function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } };
const timeTool = { type: "function" as const, function: { name: "get_time", parameters: { type: "object", properties: { zone: { type: "string" } } } } };
const pixel = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

// Fault-injection tests fail a route on purpose; a breaker opened by them would skew the tests after.
const noBreaker = { circuit_breaker: { enabled: false } };

describe("official openai SDK -> gateway -> Bedrock (Converse, SigV4)", () => {
  let bedrock: BedrockEmulator;
  let backup: OpenaiEmulator;
  let gateway: RunningGateway;
  let client: OpenAI;

  beforeAll(async () => {
    bedrock = await startBedrockEmulator({ credentials });
    backup = await startOpenaiEmulator();
    // Node's 5 s keep-alive default lets a busy machine reuse a socket the emulator already closed.
    for (const emulator of [bedrock, backup]) emulator.server.keepAliveTimeout = 120_000;
    gateway = await startGateway(
      {
        providers: {
          aws: { type: "bedrock", base_url: bedrock.url },
          backup: { type: "openai", base_url: backup.baseURL, api_key: "none" },
        },
        models: {
          sonnet: { routes: [{ provider: "aws", model: claude }], strategy: noBreaker },
          "sonnet-with-backup": { routes: [{ provider: "aws", model: claude }, { provider: "backup", model: "gpt-4o-mini" }], strategy: noBreaker },
          titan: { routes: [{ provider: "aws", model: "amazon.titan-embed-text-v2:0" }], strategy: noBreaker },
          cohere: { routes: [{ provider: "aws", model: "cohere.embed-multilingual-v3" }], strategy: noBreaker },
        },
      },
      { env: { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_SESSION_TOKEN: credentials.sessionToken, AWS_REGION: "us-east-1" } },
    );
    client = new OpenAI({ baseURL: gateway.baseURL, apiKey: "unused", maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all([bedrock.close(), backup.close()]);
  });
  beforeEach(() => {
    bedrock.faults.clear();
    bedrock.requests.length = 0;
    backup.requests.length = 0;
  });

  it("answers a plain completion with usage; system goes to the system field", async () => {
    const completion = await client.chat.completions.create({
      model: "sonnet",
      messages: [{ role: "system", content: "be brief" }, { role: "user", content: "hello" }],
      max_tokens: 64,
      temperature: 0.1,
    });
    expect(completion.choices[0]!.message.content).toBe("You said: hello");
    expect(completion.choices[0]!.finish_reason).toBe("stop");
    expect(completion.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(bedrock.requests[0]!.body).toMatchObject({ system: [{ text: "be brief" }], inferenceConfig: { maxTokens: 64, temperature: 0.1 } });
  });

  it("streams text decoded from the binary event stream", async () => {
    const stream = await client.chat.completions.create({
      model: "sonnet",
      messages: [{ role: "user", content: "tell me something long" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe("You said: tell me something long");
    expect(finish).toBe("stop");
    expect(usage!.completion_tokens).toBeGreaterThan(0);
    expect(bedrock.requests[0]!.path).toBe("/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse-stream");
  });

  it("calls several tools and takes the results back (not streamed)", async () => {
    const completion = await client.chat.completions.create({ model: "sonnet", messages: [{ role: "user", content: "use all tools" }], tools: [weatherTool, timeTool] });
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe("tool_calls");
    const calls = choice.message.tool_calls!.filter((call) => call.type === "function");
    expect(calls.map((call) => call.function.name)).toEqual(["get_weather", "get_time"]);
    expect(calls[0]!.id).toMatch(/^tooluse_/);
    const followUp = await client.chat.completions.create({
      model: "sonnet",
      messages: [
        { role: "user", content: "use all tools" },
        choice.message,
        { role: "tool", tool_call_id: calls[0]!.id, content: "21C" },
        { role: "tool", tool_call_id: calls[1]!.id, content: "noon" },
      ],
      tools: [weatherTool, timeTool],
    });
    expect(followUp.choices[0]!.message.content).toBe("The tool said: 21C noon");
    // Both results travel in one user turn, as Converse requires.
    expect(bedrock.requests[1]!.body.messages[2].content.map((block: any) => block.toolResult.toolUseId)).toEqual([calls[0]!.id, calls[1]!.id]);
  });

  it("streams several tool calls with their input in pieces", async () => {
    const final = await client.chat.completions
      .stream({ model: "sonnet", messages: [{ role: "user", content: "use all tools" }], tools: [weatherTool, timeTool] })
      .finalChatCompletion();
    const calls = final.choices[0]!.message.tool_calls!.filter((call) => call.type === "function");
    expect(calls.map((call) => JSON.parse(call.function.arguments))).toEqual([{ city: "Paris" }, { zone: "example zone" }]);
    expect(final.choices[0]!.finish_reason).toBe("tool_calls");
  });

  it("sends images as bytes", async () => {
    const completion = await client.chat.completions.create({
      model: "sonnet",
      messages: [{ role: "user", content: [{ type: "text", text: "what is this" }, { type: "image_url", image_url: { url: pixel } }] }],
    });
    expect(completion.choices[0]!.message.content).toBe("You said: what is this (with 1 image)");
    expect(bedrock.requests[0]!.body.messages[0].content[1].image.format).toBe("png");
  });

  it("rejects a remote image URL with a 400 in OpenAI's format", async () => {
    const error = await client.chat.completions
      .create({ model: "sonnet", messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/a.png" } }] }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(bedrock.requests).toHaveLength(0);
  });

  it("answers JSON output through a forced tool, streamed and not", async () => {
    const format = {
      type: "json_schema" as const,
      json_schema: { name: "city", schema: { type: "object", properties: { name: { type: "string" }, population: { type: "integer" } }, required: ["name"] } },
    };
    const completion = await client.chat.completions.create({ model: "sonnet", messages: [{ role: "user", content: "a city" }], response_format: format });
    expect(JSON.parse(completion.choices[0]!.message.content!)).toEqual({ name: "example name", population: 42 });
    expect(completion.choices[0]!.finish_reason).toBe("stop");
    expect(completion.choices[0]!.message.tool_calls ?? []).toHaveLength(0);
    const stream = await client.chat.completions.create({ model: "sonnet", messages: [{ role: "user", content: "a city" }], response_format: format, stream: true });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(JSON.parse(text)).toEqual({ name: "example name", population: 42 });
  });

  it("maps a guardrail intervention to content_filter", async () => {
    const completion = await client.chat.completions.create({ model: "sonnet", messages: [{ role: "user", content: "trip the guardrail" }] });
    expect(completion.choices[0]!.finish_reason).toBe("content_filter");
  });

  it("returns upstream errors in OpenAI's format", async () => {
    bedrock.faults.push({ kind: "status", status: 429, message: "Too many requests, please wait before trying again." });
    expect(await client.chat.completions.create({ model: "sonnet", messages: [{ role: "user", content: "x" }] }).catch((caught: unknown) => caught)).toBeInstanceOf(
      OpenAI.RateLimitError,
    );
    bedrock.faults.push({ kind: "status", status: 400, message: "The provided model identifier is invalid." });
    const bad = await client.chat.completions.create({ model: "sonnet", messages: [{ role: "user", content: "x" }] }).catch((caught: unknown) => caught);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    expect((bad as Error).message).toContain("model identifier is invalid");
  });

  it("falls back when Bedrock throttles inside a 200 stream before any byte reached the client", async () => {
    bedrock.faults.push({ kind: "error-event", afterEvents: 1, message: "throttlingException: Too many tokens, please wait." });
    const stream = await client.chat.completions.create({ model: "sonnet-with-backup", messages: [{ role: "user", content: "rescue me" }], stream: true });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("You said: rescue me");
    expect(bedrock.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(1);

    bedrock.faults.push({ kind: "error-event", afterEvents: 0, message: "modelStreamErrorException: The model stream had an error." });
    const whole = await client.chat.completions.create({ model: "sonnet-with-backup", messages: [{ role: "user", content: "again" }], stream: true });
    let again = "";
    for await (const chunk of whole) again += chunk.choices[0]?.delta.content ?? "";
    expect(again).toBe("You said: again");
  });

  it("reports an exception after text has streamed as an error, not a clean end", async () => {
    bedrock.faults.push({ kind: "error-event", afterEvents: 3, message: "modelStreamErrorException: The model stream had an error." });
    const outcome = await (async () => {
      const stream = await client.chat.completions.create({ model: "sonnet-with-backup", messages: [{ role: "user", content: "a reply long enough to split" }], stream: true });
      for await (const _chunk of stream) {
        // drain
      }
      return "clean end";
    })().catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(Error);
    expect(backup.requests).toHaveLength(0);
  });

  it("serves /v1/embeddings with Titan and Cohere", async () => {
    const titan = await client.embeddings.create({ model: "titan", input: ["alpha beta", "gamma"], dimensions: 4 });
    expect(titan.data.map((item) => item.embedding.length)).toEqual([4, 4]);
    expect(titan.usage.prompt_tokens).toBe(3);
    const cohere = await client.embeddings.create({ model: "cohere", input: "one" });
    expect(cohere.data).toHaveLength(1);
  });
});
