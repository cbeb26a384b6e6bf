import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "./openai/server.js";

// The emulator is only a stand-in if the official SDK accepts it as OpenAI.
describe("OpenAI emulator is faithful to the official SDK", () => {
  let emulator: OpenaiEmulator;
  let client: OpenAI;

  beforeAll(async () => {
    emulator = await startOpenaiEmulator({ apiKey: "sk-test" });
    client = new OpenAI({ baseURL: emulator.baseURL, apiKey: "sk-test", maxRetries: 0 });
  });
  afterAll(() => emulator.close());

  it("answers a chat completion", async () => {
    const completion = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi there" }] });
    expect(completion.choices[0]!.message.content).toBe("You said: hi there");
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
  });

  it("streams chunks the SDK assembles, with usage", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "stream me please" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe("You said: stream me please");
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it("streams several tool calls that the SDK's helper reassembles", async () => {
    const runner = client.chat.completions.stream({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "use all tools" }],
      tools: [
        { type: "function", function: { name: "weather", parameters: { type: "object", properties: { city: { type: "string" } } } } },
        { type: "function", function: { name: "time", parameters: { type: "object", properties: { zone: { type: "string" } } } } },
      ],
    });
    const final = await runner.finalChatCompletion();
    const calls = final.choices[0]!.message.tool_calls!;
    expect(calls.map((call) => call.type === "function" && call.function.name)).toEqual(["weather", "time"]);
    expect(final.choices[0]!.finish_reason).toBe("tool_calls");
  });

  it("rejects a wrong key with 401 and a 429 with retry-after as RateLimitError", async () => {
    const wrong = new OpenAI({ baseURL: emulator.baseURL, apiKey: "nope", maxRetries: 0 });
    await expect(wrong.chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }] })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    emulator.faults.push({ kind: "status", status: 429 });
    const error = await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get("retry-after")).toBe("1");
  });

  it("serves embeddings", async () => {
    const result = await client.embeddings.create({ model: "text-embedding-3-small", input: ["a", "b"] });
    expect(result.data).toHaveLength(2);
  });
});
