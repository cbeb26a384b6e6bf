import { describe, expect, it } from "vitest";
import { SwitchyardError } from "../../../src/core/errors.js";
import { anthropicEventsToParts } from "../../../src/providers/anthropic/stream.js";
import { readServerSentEvents } from "../../../src/providers/shared/sse.js";
import { collectStream } from "../../../src/gateway/collect.js";
import { collectParts, fixtureEvents, fixtureSse } from "./fixtures.js";

describe("Anthropic stream -> canonical parts", () => {
  it("turns a text stream into text deltas, usage with cache tokens and a stop", async () => {
    const parts = await collectParts(anthropicEventsToParts(fixtureEvents("text.chunks.txt"), "anthropic"));
    expect(parts).toEqual([
      { type: "response-metadata", id: "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY", model: "claude-sonnet-4-5-20250929" },
      { type: "text-delta", text: "Hello" },
      { type: "text-delta", text: "!" },
      { type: "usage", usage: { inputTokens: 65, outputTokens: 15, cachedInputTokens: 40 } },
      { type: "finish", reason: { unified: "stop", raw: "end_turn" } },
    ]);
  });

  it("keeps several tool_use blocks of one turn apart, each with its own index", async () => {
    const parts = await collectParts(anthropicEventsToParts(fixtureEvents("tools.chunks.txt"), "anthropic"));
    const toolParts = parts.filter((part) => part.type.startsWith("tool-call"));
    expect(toolParts).toEqual([
      { type: "tool-call-start", index: 1, id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", name: "get_weather" },
      { type: "tool-call-delta", index: 1, argumentsDelta: '{"location":' },
      { type: "tool-call-delta", index: 1, argumentsDelta: ' "San Francisco, CA"}' },
      { type: "tool-call-end", index: 1 },
      { type: "tool-call-start", index: 2, id: "toolu_01UmYbfVdrVzmWMzNpqhfBJ2", name: "get_time" },
      { type: "tool-call-delta", index: 2, argumentsDelta: '{"timezone": ' },
      { type: "tool-call-delta", index: 2, argumentsDelta: '"America/Los_Angeles"}' },
      { type: "tool-call-end", index: 2 },
    ]);
    const response = await collectStream(anthropicEventsToParts(fixtureEvents("tools.chunks.txt"), "anthropic"));
    expect(response.finishReason).toEqual({ unified: "tool-calls", raw: "tool_use" });
    expect(response.content).toEqual([
      { type: "text", text: "Okay, let's check both:" },
      { type: "tool-call", id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", name: "get_weather", arguments: '{"location": "San Francisco, CA"}' },
      { type: "tool-call", id: "toolu_01UmYbfVdrVzmWMzNpqhfBJ2", name: "get_time", arguments: '{"timezone": "America/Los_Angeles"}' },
    ]);
  });

  it("carries thinking deltas and the signature, and maps max_tokens to length", async () => {
    const response = await collectStream(anthropicEventsToParts(fixtureEvents("thinking.chunks.txt"), "anthropic"));
    expect(response.content[0]).toEqual({
      type: "reasoning",
      text: "Let me solve this step by step:\n\n1. First break down 27 * 453\n2. 453 = 400 + 50 + 3",
      signature: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds...",
    });
    expect(response.content[1]).toEqual({ type: "text", text: "27 * 453 = 12,231" });
    expect(response.finishReason).toEqual({ unified: "length", raw: "max_tokens" });
  });

  it("turns an error event inside a 200 stream into a retryable error part", async () => {
    const parts = await collectParts(anthropicEventsToParts(fixtureEvents("error.chunks.txt"), "anthropic"));
    const last = parts.at(-1)!;
    expect(last.type).toBe("error");
    const error = (last as { error: SwitchyardError }).error;
    expect(error.code).toBe("SWY_ERR_UPSTREAM_UNAVAILABLE");
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("Overloaded");
    expect(parts.some((part) => part.type === "finish")).toBe(false);
  });

  it("reports a stream that ends without message_stop as interrupted, never as a clean end", async () => {
    async function* truncated() {
      let count = 0;
      for await (const event of fixtureEvents("text.chunks.txt")) if (count++ < 5) yield event;
    }
    const parts = await collectParts(anthropicEventsToParts(truncated(), "anthropic"));
    const last = parts.at(-1)!;
    expect(last.type).toBe("error");
    expect((last as { error: SwitchyardError }).error.code).toBe("SWY_ERR_STREAM_INTERRUPTED");
  });

  it("ignores what follows message_stop and treats a break after it as a complete stream", async () => {
    async function* tail() {
      yield* fixtureEvents("text.chunks.txt");
      yield { event: "content_block_delta", data: '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"late"}}', id: undefined };
      throw new Error("socket closed");
    }
    const parts = await collectParts(anthropicEventsToParts(tail(), "anthropic"));
    expect(parts.filter((part) => part.type === "text-delta").map((part) => (part as { text: string }).text)).toEqual(["Hello", "!"]);
    expect(parts.at(-1)).toEqual({ type: "finish", reason: { unified: "stop", raw: "end_turn" } });
  });

  it("turns the forced JSON tool back into text and a stop", async () => {
    const jsonTool = { name: "json_response", wrapped: false, forced: true };
    const response = await collectStream(anthropicEventsToParts(fixtureEvents("json-tool.chunks.txt"), "anthropic", { jsonTool }));
    expect(response.content).toEqual([{ type: "text", text: '{"city": "Paris", "population": 2102650}' }]);
    expect(response.finishReason.unified).toBe("stop");
  });

  it("unwraps a non-object JSON schema answer", async () => {
    const jsonTool = { name: "json_response", wrapped: true, forced: true };
    async function* events() {
      for await (const event of fixtureEvents("json-tool.chunks.txt")) {
        yield { ...event, data: event.data.replace('{\\"city\\": \\"Par', '{\\"value\\": [\\"Par').replace('is\\", \\"population\\": 2102650}', 'is\\"]}') };
      }
    }
    const response = await collectStream(anthropicEventsToParts(events(), "anthropic", { jsonTool }));
    expect(response.content).toEqual([{ type: "text", text: '["Paris"]' }]);
  });

  it("parses the raw SSE bytes even when split at awkward places", async () => {
    const text = fixtureSse("tools.chunks.txt");
    async function* bytes() {
      const encoded = new TextEncoder().encode(text);
      for (let offset = 0; offset < encoded.length; offset += 7) yield encoded.subarray(offset, offset + 7);
    }
    const response = await collectStream(anthropicEventsToParts(readServerSentEvents(bytes()), "anthropic"));
    expect(response.content.filter((part) => part.type === "tool-call")).toHaveLength(2);
  });
});
