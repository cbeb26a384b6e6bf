import { Mistral } from "@mistralai/mistralai";
import { HTTPValidationError, MistralError, SDKError } from "@mistralai/mistralai/models/errors";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startMistralEmulator, type MistralEmulator } from "./server.js";

const weatherTool = { type: "function" as const, function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } };
const timeTool = { type: "function" as const, function: { name: "get_time", parameters: { type: "object", properties: { zone: { type: "string" } } } } };

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

// The emulator stands in for Mistral only if Mistral's own SDK, which validates every response, accepts it.
describe("Mistral emulator is faithful to @mistralai/mistralai", () => {
  let emulator: MistralEmulator;
  let client: Mistral;

  beforeAll(async () => {
    emulator = await startMistralEmulator({ apiKey: "ms-key" });
    client = new Mistral({ apiKey: "ms-key", serverURL: emulator.url, retryConfig: { strategy: "none" } });
  });
  afterAll(() => emulator.close());
  beforeEach(() => {
    emulator.faults.clear();
    emulator.requests.length = 0;
  });

  it("completes a chat with usage, and the SDK's request passes the emulator's strict field check", async () => {
    const result = await client.chat.complete({
      model: "mistral-small-latest",
      messages: [{ role: "user", content: "hello" }],
      randomSeed: 7,
      maxTokens: 40,
      safePrompt: false,
    });
    expect(result.object).toBe("chat.completion");
    expect(result.model).toBe("mistral-small-latest");
    expect(result.choices[0]!.message!.content).toBe("You said: hello");
    expect(result.choices[0]!.finishReason).toBe("stop");
    expect(result.usage.totalTokens).toBe(result.usage.promptTokens! + result.usage.completionTokens!);
    const seen = emulator.requests.at(-1)!;
    expect(seen.path).toBe("/v1/chat/completions");
    expect(seen.headers.authorization).toBe("Bearer ms-key");
    expect(seen.body).toMatchObject({ random_seed: 7, max_tokens: 40, safe_prompt: false, stream: false });
  });

  it("streams chunks the SDK parses, ending at [DONE] with usage on the finish chunk", async () => {
    const stream = await client.chat.stream({ model: "mistral-small-latest", messages: [{ role: "user", content: "stream this please" }] });
    let text = "";
    const finishes: unknown[] = [];
    let usage: { promptTokens?: number; completionTokens?: number } | undefined;
    let events = 0;
    for await (const event of stream) {
      events++;
      const choice = event.data.choices[0]!;
      if (typeof choice.delta.content === "string") text += choice.delta.content;
      if (choice.finishReason !== null) finishes.push(choice.finishReason);
      usage = event.data.usage ?? usage;
    }
    expect(text).toBe("You said: stream this please");
    expect(events).toBeGreaterThan(3);
    expect(finishes).toEqual(["stop"]);
    expect(usage!.completionTokens).toBeGreaterThan(0);
  });

  it("calls tools with 9-character ids and takes the results back", async () => {
    const result = await client.chat.complete({
      model: "mistral-large-latest",
      messages: [{ role: "user", content: "use all tools" }],
      tools: [weatherTool, timeTool],
      toolChoice: "any",
    });
    const message = result.choices[0]!.message!;
    expect(result.choices[0]!.finishReason).toBe("tool_calls");
    expect(message.toolCalls!.map((call) => call.function.name)).toEqual(["get_weather", "get_time"]);
    expect(message.toolCalls!.map((call) => call.index)).toEqual([0, 1]);
    for (const call of message.toolCalls!) expect(call.id).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(JSON.parse(message.toolCalls![0]!.function.arguments as string)).toEqual({ city: "Paris" });
    expect(emulator.requests.at(-1)!.body.tool_choice).toBe("any");

    const call = message.toolCalls![0]!;
    const followUp = await client.chat.complete({
      model: "mistral-large-latest",
      messages: [
        { role: "user", content: "use all tools" },
        { role: "assistant", content: "", toolCalls: [call] },
        { role: "tool", toolCallId: call.id!, name: call.function.name, content: "sunny" },
      ],
      tools: [weatherTool],
    });
    expect(followUp.choices[0]!.message!.content).toBe("The tool said: sunny");
  });

  it("streams tool calls whole, each with its id", async () => {
    const stream = await client.chat.stream({
      model: "mistral-large-latest",
      messages: [{ role: "user", content: "use all tools" }],
      tools: [weatherTool, timeTool],
    });
    const calls: Array<{ id?: string; name: string; arguments: unknown }> = [];
    let finish: unknown;
    for await (const event of stream) {
      const choice = event.data.choices[0]!;
      for (const call of choice.delta.toolCalls ?? []) calls.push({ id: call.id, name: call.function.name, arguments: call.function.arguments });
      finish = choice.finishReason ?? finish;
    }
    expect(calls.map((call) => call.name)).toEqual(["get_weather", "get_time"]);
    expect(calls.map((call) => JSON.parse(call.arguments as string))).toEqual([{ city: "Paris" }, { zone: "example zone" }]);
    for (const call of calls) expect(call.id).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(finish).toBe("tool_calls");
  });

  it("embeds a batch with output_dimension", async () => {
    const result = await client.embeddings.create({ model: "mistral-embed", inputs: ["a b", "c"], outputDimension: 4 });
    expect(result.object).toBe("list");
    expect(result.data.map((item) => [item.index, item.embedding!.length])).toEqual([
      [0, 4],
      [1, 4],
    ]);
    expect(result.usage.promptTokens).toBe(3);
    expect(emulator.requests.at(-1)!.body).toEqual({ model: "mistral-embed", input: ["a b", "c"], output_dimension: 4 });
  });

  it("turns a wrong key into a 401 MistralError", async () => {
    const stranger = new Mistral({ apiKey: "wrong", serverURL: emulator.url, retryConfig: { strategy: "none" } });
    const error = await rejection(stranger.chat.complete({ model: "mistral-small-latest", messages: [{ role: "user", content: "hi" }] }));
    expect(error).toBeInstanceOf(SDKError);
    expect((error as MistralError).statusCode).toBe(401);
    expect(JSON.parse((error as MistralError).body)).toMatchObject({ message: "Unauthorized" });
  });

  it("turns a 429 into a MistralError with retry-after, and the SDK's own retry gets through", async () => {
    emulator.faults.push({ kind: "status", status: 429, message: "Requests rate limit exceeded" });
    const error = await rejection(client.chat.complete({ model: "mistral-small-latest", messages: [{ role: "user", content: "hi" }] }));
    expect(error).toBeInstanceOf(MistralError);
    expect((error as MistralError).statusCode).toBe(429);
    expect((error as MistralError).headers.get("retry-after")).toBe("1");
    expect(JSON.parse((error as MistralError).body)).toMatchObject({ object: "error", message: "Requests rate limit exceeded" });

    emulator.faults.push({ kind: "status", status: 429, headers: { "retry-after": "0" } });
    const retrying = new Mistral({
      apiKey: "ms-key",
      serverURL: emulator.url,
      retryConfig: { strategy: "backoff", backoff: { initialInterval: 1, maxInterval: 10, exponent: 1, maxElapsedTime: 5_000 }, retryConnectionErrors: false },
    });
    const result = await retrying.chat.complete({ model: "mistral-small-latest", messages: [{ role: "user", content: "again" }] });
    expect(result.choices[0]!.message!.content).toBe("You said: again");
    expect(emulator.requests.filter((request) => request.path === "/v1/chat/completions")).toHaveLength(3);
  });

  it("answers a request its schema rejects with a 422 the SDK reads as HTTPValidationError", async () => {
    const error = await rejection(client.chat.complete({ model: "mistral-small-latest", messages: [] }));
    expect(error).toBeInstanceOf(HTTPValidationError);
    expect((error as HTTPValidationError).statusCode).toBe(422);
    const body = JSON.parse((error as HTTPValidationError).body);
    expect(body).toMatchObject({ object: "error", type: "invalid_request_message_error" });
    expect(body.message.detail[0]).toMatchObject({ type: "missing", loc: ["body", "messages"] });
  });

  it("rejects fields Mistral does not know, as an OpenAI-minded caller would send them", async () => {
    const response = await fetch(`${emulator.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer ms-key", "content-type": "application/json" },
      body: JSON.stringify({ model: "mistral-small-latest", messages: [{ role: "user", content: "hi" }], seed: 3, stream_options: { include_usage: true } }),
    });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { message: { detail: Array<{ loc: unknown[] }> } };
    expect(body.message.detail.map((item) => item.loc)).toEqual([
      ["body", "seed"],
      ["body", "stream_options"],
    ]);
    const named = await fetch(`${emulator.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer ms-key", "content-type": "application/json" },
      body: JSON.stringify({ model: "mistral-small-latest", messages: [{ role: "user", name: "ada", content: "hi" }] }),
    });
    expect(named.status).toBe(422);
    expect(((await named.json()) as { message: { detail: Array<{ loc: unknown[] }> } }).message.detail[0]!.loc).toEqual(["body", "messages", 0, "user", "name"]);
  });

  it("rejects a malformed tool call id with a 400", async () => {
    const error = await rejection(
      client.chat.complete({
        model: "mistral-large-latest",
        messages: [
          { role: "user", content: "use a tool" },
          { role: "assistant", content: "", toolCalls: [{ id: "call_abc", type: "function", function: { name: "get_weather", arguments: "{}" } }] },
          { role: "tool", toolCallId: "call_abc", content: "sunny" },
        ],
      }),
    );
    expect(error).toBeInstanceOf(MistralError);
    expect((error as MistralError).statusCode).toBe(400);
    expect((error as MistralError).message).toMatch(/API error occurred/);
    expect(JSON.parse((error as MistralError).body).message).toMatch(/must be a-z, A-Z, 0-9, with a length of 9/);
  });
});
