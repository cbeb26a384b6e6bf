import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import type { EventSourceMessage } from "eventsource-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StreamPart } from "../../../src/core/types.js";
import { createLogger } from "../../../src/observability/logger.js";
import { mistralErrorMessage } from "../../../src/providers/mistral/errors.js";
import { mistralProvider } from "../../../src/providers/mistral/index.js";
import { toMistralRequest } from "../../../src/providers/mistral/request.js";
import { mistralCompletionToParts } from "../../../src/providers/mistral/response.js";
import { mistralEventsToParts } from "../../../src/providers/mistral/stream.js";
import { toMistralToolCallId } from "../../../src/providers/mistral/tool-call-id.js";
import { startMistralEmulator, type MistralEmulator } from "../../emulators/mistral/server.js";

const directory = new URL("../../../src/providers/mistral/__fixtures__/", import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, directory), "utf8");
async function* events(name: string): AsyncGenerator<EventSourceMessage> {
  for (const line of fixture(name).split("\n")) if (line.trim()) yield { data: line, event: undefined, id: undefined };
}
async function collect(parts: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const out: StreamPart[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

describe("Mistral request translation", () => {
  it("applies Mistral's differences to the OpenAI wire", () => {
    const { body, warnings } = toMistralRequest(
      {
        model: "mistral-large-latest",
        messages: [
          { role: "user", name: "ada", content: [{ type: "text", text: "hi" }] },
          { role: "assistant", content: [{ type: "tool-call", id: "call_abcdefghijklmnop", name: "f", arguments: "{}" }] },
          { role: "tool", content: [{ type: "tool-result", toolCallId: "call_abcdefghijklmnop", content: [{ type: "text", text: "ok" }] }] },
        ],
        tools: [{ name: "f", parameters: { type: "object", properties: {} } }],
        toolChoice: { type: "required" },
        seed: 42,
        maxOutputTokens: 20,
        user: "u1",
        providerOptions: { mistral: { prompt_mode: "reasoning" } },
      },
      true,
      { safePrompt: true },
    );
    expect(body).toMatchObject({ random_seed: 42, max_tokens: 20, tool_choice: "any", safe_prompt: true, stream: true, prompt_mode: "reasoning" });
    expect(body).not.toHaveProperty("seed");
    expect(body).not.toHaveProperty("stream_options");
    expect(body).not.toHaveProperty("user");
    const messages = body.messages as any[];
    const mapped = toMistralToolCallId("call_abcdefghijklmnop");
    expect(mapped).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(messages[0]).toEqual({ role: "user", content: "hi" });
    expect(messages[1].tool_calls[0].id).toBe(mapped);
    expect(messages[2].tool_call_id).toBe(mapped);
    expect(toMistralToolCallId("D681PevKs")).toBe("D681PevKs");
    expect(warnings.map((warning) => warning.setting)).toEqual(["user", "name"]);
  });

  it("reads Mistral's 422 validation errors", () => {
    expect(
      mistralErrorMessage('{"object":"error","message":{"detail":[{"type":"extra_forbidden","loc":["body","seed"],"msg":"Extra inputs are not permitted"}]},"type":"invalid_request_message_error"}'),
    ).toBe("body.seed: Extra inputs are not permitted");
    expect(mistralErrorMessage('{"object":"error","message":"Invalid model: x","type":"invalid_model"}')).toBe("Invalid model: x");
  });
});

describe("Mistral responses (recorded)", () => {
  it("reads text, tool calls and chunked thinking content", async () => {
    const text = await collect(mistralCompletionToParts(JSON.parse(fixture("mistral-text.json")))!);
    expect(text.find((part) => part.type === "text-delta")).toEqual({ type: "text-delta", text: "The capital of France is Paris." });
    const tools = await collect(mistralCompletionToParts(JSON.parse(fixture("mistral-tool-calls.json")))!);
    expect(tools.filter((part) => part.type === "tool-call-start").map((part) => (part as { id: string }).id)).toEqual(["D681PevKs", "x7Rq2LmN0"]);
    expect(tools.at(-1)).toEqual({ type: "finish", reason: { unified: "tool-calls", raw: "tool_calls" } });
    const thinking = await collect(mistralCompletionToParts(JSON.parse(fixture("mistral-thinking.json")))!);
    expect(thinking.filter((part) => part.type === "reasoning-delta" || part.type === "text-delta")).toEqual([
      { type: "reasoning-delta", text: "2 plus 2 is 4." },
      { type: "text-delta", text: "4" },
    ]);
  });

  it("streams text with usage from the finish chunk", async () => {
    const parts = await collect(mistralEventsToParts(events("mistral-stream-text.chunks.txt"), "mistral"));
    expect(parts.filter((part) => part.type === "text-delta").map((part) => (part as { text: string }).text).join("")).toBe("The sky is blue.");
    expect(parts.find((part) => part.type === "usage")).toEqual({ type: "usage", usage: { inputTokens: 8, outputTokens: 6 } });
  });

  it("keeps several whole tool calls apart by id even when their index repeats", async () => {
    const parts = await collect(mistralEventsToParts(events("mistral-stream-tools.chunks.txt"), "mistral"));
    const starts = parts.filter((part) => part.type === "tool-call-start") as Array<{ index: number; id: string; name: string }>;
    expect(starts.map((part) => [part.index, part.id, part.name])).toEqual([
      [0, "D681PevKs", "get_weather"],
      [1, "x7Rq2LmN0", "get_time"],
    ]);
    expect(parts.filter((part) => part.type === "tool-call-delta").map((part) => (part as { argumentsDelta: string }).argumentsDelta)).toEqual([
      '{"city": "Paris"}',
      '{"zone": "Europe/Paris"}',
    ]);
  });

  it("maps model_length to length", async () => {
    const parts = await collect(mistralEventsToParts(events("mistral-stream-model-length.chunks.txt"), "mistral"));
    expect(parts.at(-1)).toEqual({ type: "finish", reason: { unified: "length", raw: "model_length" } });
  });
});

describe("Mistral provider against the emulator", () => {
  let emulator: MistralEmulator;
  const provider = () =>
    mistralProvider.create(
      "mistral",
      mistralProvider.configSchema.parse({ type: "mistral", base_url: emulator.baseURL, api_key: "env:MISTRAL_API_KEY", safe_prompt: false }),
      { logger: createLogger("silent"), dataDir: tmpdir(), resolveSecret: (reference) => (reference === "env:MISTRAL_API_KEY" ? "ms-key" : reference) },
    );
  const call = { signal: new AbortController().signal, requestId: "r" };

  beforeAll(async () => {
    emulator = await startMistralEmulator({ apiKey: "ms-key" });
  });
  afterAll(() => emulator.close());

  it("passes the emulator's strict field checks, streamed and not, and embeds", async () => {
    const adapter = provider();
    const request = {
      model: "mistral-small-latest",
      messages: [{ role: "user" as const, content: [{ type: "text" as const, text: "hello" }] }],
      seed: 3,
      user: "someone",
    };
    const streamed = await collect(await adapter.stream(request, { ...call, stream: true }));
    expect(streamed.filter((part) => part.type === "text-delta").map((part) => (part as { text: string }).text).join("")).toBe("You said: hello");
    const whole = await collect(await adapter.stream(request, { ...call, stream: false }));
    expect(whole.at(-1)).toEqual({ type: "finish", reason: { unified: "stop", raw: "stop" } });
    expect(emulator.requests.at(-1)!.body).toMatchObject({ random_seed: 3, safe_prompt: false });
    const embedded = await adapter.embed!({ model: "mistral-embed", input: ["a", "b"], dimensions: 4 }, call);
    expect(embedded.embeddings.map((vector) => vector.length)).toEqual([4, 4]);
    await adapter.close?.();
  });
});
