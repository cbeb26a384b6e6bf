import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ChatRequest, StreamPart } from "../../../src/core/types.js";
import { collectStream } from "../../../src/gateway/collect.js";
import { toOpenaiRequest } from "../../../src/providers/openai-compatible/request.js";
import { openaiCompletionToParts } from "../../../src/providers/openai-compatible/response.js";
import { openaiEventsToParts } from "../../../src/providers/openai-compatible/stream.js";
import { completionSchema } from "../../../src/providers/openai-compatible/wire.js";
import { readServerSentEvents } from "../../../src/providers/shared/sse.js";

const fixture = (name: string) => readFileSync(new URL(`../../../src/providers/openai-compatible/__fixtures__/${name}`, import.meta.url), "utf8");

/** Replays a `.chunks.txt` fixture (one data payload a line) as an SSE byte stream, split at awkward places. */
async function* sseBytes(name: string): AsyncGenerator<Uint8Array> {
  const text = fixture(name)
    .trim()
    .split("\n")
    .map((line) => `data: ${line}\n\n`)
    .join("");
  const bytes = new TextEncoder().encode(text);
  for (let index = 0; index < bytes.length; index += 37) yield bytes.slice(index, index + 37);
}

async function parts(name: string): Promise<StreamPart[]> {
  const out: StreamPart[] = [];
  for await (const part of openaiEventsToParts(readServerSentEvents(sseBytes(name)), "openai")) out.push(part);
  return out;
}

describe("OpenAI-compatible stream -> canonical parts", () => {
  it("translates text deltas, finish reason and usage", async () => {
    const result = await collectStream(openaiEventsToParts(readServerSentEvents(sseBytes("chat-text.chunks.txt")), "openai"));
    expect(result.content).toEqual([{ type: "text", text: "Hello there" }]);
    expect(result.finishReason).toEqual({ unified: "stop", raw: "stop" });
    expect(result.usage).toEqual({ inputTokens: 9, outputTokens: 2 });
    expect(result.model).toBe("gpt-4o-mini");
  });

  it("keeps parallel tool calls apart, arguments as deltas", async () => {
    const stream = await parts("chat-parallel-tools.chunks.txt");
    expect(stream.filter((part) => part.type === "tool-call-start")).toEqual([
      { type: "tool-call-start", index: 0, id: "call_w", name: "get_weather" },
      { type: "tool-call-start", index: 1, id: "call_t", name: "get_time" },
    ]);
    expect(stream.filter((part) => part.type === "tool-call-delta")).toHaveLength(3);
    const result = await collectStream(stream as unknown as AsyncIterable<StreamPart>);
    expect(result.content).toEqual([
      { type: "tool-call", id: "call_w", name: "get_weather", arguments: '{"city":"Paris"}' },
      { type: "tool-call", id: "call_t", name: "get_time", arguments: '{"zone":"CET"}' },
    ]);
    expect(result.finishReason.unified).toBe("tool-calls");
  });

  it("reports a stream that ends without [DONE] or a finish reason as interrupted", async () => {
    const stream = await parts("chat-truncated.chunks.txt");
    const last = stream.at(-1)!;
    expect(last.type).toBe("error");
    expect(last.type === "error" && (last.error as { code: string }).code).toBe("SWY_ERR_STREAM_INTERRUPTED");
  });

  it("turns an error chunk inside a 200 stream into a retryable error part", async () => {
    const stream = await parts("chat-error-event.chunks.txt");
    const last = stream.at(-1)!;
    expect(last.type === "error" && (last.error as { code: string; retryable: boolean }).retryable).toBe(true);
  });

  it("keeps reasoning content, cached and reasoning token counts", async () => {
    const result = await collectStream(openaiEventsToParts(readServerSentEvents(sseBytes("chat-reasoning.chunks.txt")), "deepseek"));
    expect(result.content).toEqual([{ type: "reasoning", text: "Think first.", signature: undefined }, { type: "text", text: "42" }]);
    expect(result.usage).toEqual({ inputTokens: 10, outputTokens: 5, cachedInputTokens: 8, reasoningTokens: 3 });
    expect(result.finishReason.unified).toBe("length");
  });
});

describe("OpenAI-compatible JSON response -> canonical parts", () => {
  it("translates a text completion", async () => {
    const completion = completionSchema.parse(JSON.parse(fixture("chat-text.json")));
    const result = await collectStream(toAsync(openaiCompletionToParts(completion)));
    expect(result.content).toEqual([{ type: "text", text: "Hello! How can I assist you today?" }]);
    expect(result.usage).toEqual({ inputTokens: 19, outputTokens: 10 });
  });

  it("translates tool calls and cached tokens", async () => {
    const completion = completionSchema.parse(JSON.parse(fixture("chat-tool-calls.json")));
    const result = await collectStream(toAsync(openaiCompletionToParts(completion)));
    expect(result.content.map((part) => part.type === "tool-call" && part.name)).toEqual(["get_current_weather", "get_time"]);
    expect(result.usage?.cachedInputTokens).toBe(64);
    expect(result.finishReason).toEqual({ unified: "tool-calls", raw: "tool_calls" });
  });
});

describe("canonical request -> OpenAI wire request", () => {
  const request: ChatRequest = {
    model: "gpt-4o",
    messages: [
      { role: "system", content: [{ type: "text", text: "Be terse." }] },
      { role: "user", content: [{ type: "text", text: "Look" }, { type: "image", source: { kind: "base64", mediaType: "image/png", data: "AAAA" }, detail: "high" }] },
      { role: "assistant", content: [{ type: "tool-call", id: "c1", name: "f", arguments: "{}" }] },
      { role: "tool", content: [{ type: "tool-result", toolCallId: "c1", content: [{ type: "text", text: "done" }] }] },
    ],
    tools: [{ name: "f", parameters: { type: "object" } }],
    toolChoice: { type: "required" },
    responseFormat: { type: "json" },
    maxOutputTokens: 64,
    stopSequences: ["END"],
    topK: 5,
    providerOptions: { openai: { logprobs: true } },
  };

  it("maps every field and warns about what OpenAI lacks", () => {
    const { body, warnings } = toOpenaiRequest(request, true, { maxTokensField: "max_completion_tokens", optionsKey: "openai" });
    expect(body).toEqual({
      model: "gpt-4o",
      messages: [
        { role: "system", content: "Be terse." },
        { role: "user", content: [{ type: "text", text: "Look" }, { type: "image_url", image_url: { url: "data:image/png;base64,AAAA", detail: "high" } }] },
        { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "c1", content: "done" },
      ],
      tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
      tool_choice: "required",
      response_format: { type: "json_object" },
      max_completion_tokens: 64,
      stop: ["END"],
      stream: true,
      stream_options: { include_usage: true },
      logprobs: true,
    });
    expect(warnings).toEqual([expect.objectContaining({ type: "unsupported-setting", setting: "top_k" })]);
  });
});

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}
