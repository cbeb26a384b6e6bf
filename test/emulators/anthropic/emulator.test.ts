import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAnthropicEmulator, type AnthropicEmulator } from "./server.js";

// The emulator is only a stand-in if the official SDK accepts it as Anthropic.
describe("Anthropic emulator is faithful to the official SDK", () => {
  let emulator: AnthropicEmulator;
  let client: Anthropic;

  beforeAll(async () => {
    emulator = await startAnthropicEmulator({ apiKey: "sk-ant-test" });
    client = new Anthropic({ baseURL: emulator.baseURL, apiKey: "sk-ant-test", maxRetries: 0 });
  });
  afterAll(() => emulator.close());

  const tools = [
    { name: "weather", input_schema: { type: "object" as const, properties: { city: { type: "string" } } } },
    { name: "time", input_schema: { type: "object" as const, properties: { zone: { type: "string" } } } },
  ];

  it("answers a message with the SDK's headers", async () => {
    const message = await client.messages.create({ model: "claude-test", max_tokens: 100, messages: [{ role: "user", content: "hi there" }] });
    expect(message.content).toEqual([{ type: "text", text: "You said: hi there" }]);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    const seen = emulator.requests.at(-1)!;
    expect(seen.headers["anthropic-version"]).toBe("2023-06-01");
    expect(seen.headers["x-api-key"]).toBe("sk-ant-test");
  });

  it("streams events the SDK assembles into a final message", async () => {
    const stream = client.messages.stream({ model: "claude-test", max_tokens: 100, messages: [{ role: "user", content: "stream me please" }] });
    const types: string[] = [];
    stream.on("streamEvent", (event) => types.push(event.type));
    const final = await stream.finalMessage();
    expect(final.content).toEqual([{ type: "text", text: "You said: stream me please" }]);
    expect(final.usage.output_tokens).toBe(5);
    expect(types[0]).toBe("message_start");
    expect(types.slice(-2)).toEqual(["message_delta", "message_stop"]);
  });

  it("streams several tool_use blocks in one turn", async () => {
    const stream = client.messages.stream({ model: "claude-test", max_tokens: 100, tools, messages: [{ role: "user", content: "use all tools" }] });
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe("tool_use");
    expect(final.content).toEqual([
      { type: "tool_use", id: "toolu_emu01", name: "weather", input: { city: "Paris" } },
      { type: "tool_use", id: "toolu_emu11", name: "time", input: { zone: "example zone" } },
    ]);
  });

  it("streams thinking with its signature", async () => {
    const final = await client.messages
      .stream({ model: "claude-test", max_tokens: 2000, thinking: { type: "enabled", budget_tokens: 1024 }, messages: [{ role: "user", content: "ponder" }] })
      .finalMessage();
    expect(final.content[0]).toEqual({ type: "thinking", thinking: "Considering: ponder", signature: "sig-1" });
  });

  it("rejects unpaired tool results as the real API does", async () => {
    const error = await client.messages
      .create({
        model: "claude-test",
        max_tokens: 10,
        messages: [
          { role: "user", content: "x" },
          { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "weather", input: {} }] },
          { role: "user", content: "no result" },
        ],
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
  });

  it("surfaces errors as the SDK's typed errors", async () => {
    const wrong = new Anthropic({ baseURL: emulator.baseURL, apiKey: "nope", maxRetries: 0 });
    const request = { model: "m", max_tokens: 10, messages: [{ role: "user" as const, content: "x" }] };
    await expect(wrong.messages.create(request)).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    emulator.faults.push({ kind: "status", status: 429 });
    const limited = await client.messages.create(request).catch((caught: unknown) => caught);
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect((limited as InstanceType<typeof Anthropic.RateLimitError>).headers.get("retry-after")).toBe("1");
    emulator.faults.push({ kind: "status", status: 529 });
    const overloaded = await client.messages.create(request).catch((caught: unknown) => caught);
    expect(overloaded).toBeInstanceOf(Anthropic.InternalServerError);
    expect((overloaded as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    expect((overloaded as InstanceType<typeof Anthropic.APIError>).error).toEqual({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } });
  });

  it("raises an error event inside a 200 stream", async () => {
    emulator.faults.push({ kind: "error-event", afterEvents: 3 });
    const stream = client.messages.stream({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "hello there" }] });
    await expect(stream.finalMessage()).rejects.toThrow(/Overloaded/);
  });

  it("counts tokens", async () => {
    const counted = await client.messages.countTokens({ model: "m", messages: [{ role: "user", content: "one two three" }] });
    expect(counted.input_tokens).toBe(6);
  });
});
