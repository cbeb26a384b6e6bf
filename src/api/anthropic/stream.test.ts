import { describe, expect, it } from "vitest";
import { SwitchyardError } from "../../core/errors.js";
import type { StreamPart } from "../../core/types.js";
import { AnthropicEventEncoder } from "./stream.js";

interface EventData {
  type: string;
  index?: number;
  delta: { type: string; stop_reason?: string };
  usage?: Record<string, number>;
  message?: Record<string, unknown>;
  content_block?: Record<string, unknown>;
}

function encode(parts: StreamPart[]): Array<{ event: string; data: EventData }> {
  const encoder = new AnthropicEventEncoder({ id: "msg_1", model: "m" });
  const text = parts.map((part) => encoder.frames(part)).join("") + encoder.end();
  return text
    .split("\n\n")
    .filter(Boolean)
    .map((frame) => {
      const [eventLine, dataLine] = frame.split("\n");
      return { event: eventLine!.slice("event: ".length), data: JSON.parse(dataLine!.slice("data: ".length)) as EventData };
    });
}

const outline = (events: ReturnType<typeof encode>) =>
  events.map(({ event, data }) => (event === "content_block_delta" ? `${data.delta.type}@${data.index}` : data.index === undefined ? event : `${event}@${data.index}`));

describe("canonical parts -> Anthropic SSE events", () => {
  it("numbers blocks 0..n in order and keeps interleaved tool calls contiguous", () => {
    const events = encode([
      { type: "response-metadata", id: "up" },
      { type: "reasoning-delta", text: "hmm" },
      { type: "reasoning-delta", text: "", signature: "sig" },
      { type: "text-delta", text: "Let me check." },
      { type: "tool-call-start", index: 0, id: "call_a", name: "weather" },
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"city":' },
      { type: "tool-call-start", index: 1, id: "call_b", name: "time" },
      // Deltas of two calls interleave upstream: the second call waits until the first one ends.
      { type: "tool-call-delta", index: 0, argumentsDelta: '"Paris"}' },
      { type: "tool-call-delta", index: 1, argumentsDelta: "{}" },
      { type: "tool-call-end", index: 0 },
      { type: "tool-call-end", index: 1 },
      { type: "usage", usage: { inputTokens: 100, outputTokens: 20, cachedInputTokens: 60, cacheWriteInputTokens: 10 } },
      { type: "finish", reason: { unified: "tool-calls" } },
    ]);
    expect(outline(events)).toEqual([
      "message_start",
      "ping",
      "content_block_start@0",
      "thinking_delta@0",
      "signature_delta@0",
      "content_block_stop@0",
      "content_block_start@1",
      "text_delta@1",
      "content_block_stop@1",
      "content_block_start@2",
      "input_json_delta@2",
      "input_json_delta@2",
      "content_block_stop@2",
      "content_block_start@3",
      "input_json_delta@3",
      "content_block_stop@3",
      "message_delta",
      "message_stop",
    ]);
    for (const { event, data } of events) expect(data.type).toBe(event);
    expect(events[0]!.data.message).toMatchObject({ id: "msg_1", type: "message", role: "assistant", model: "m", content: [] });
    expect(events[9]!.data.content_block).toEqual({ type: "tool_use", id: "call_a", name: "weather", input: {} });
    const delta = events.find(({ event }) => event === "message_delta")!.data;
    expect(delta.delta).toEqual({ stop_reason: "tool_use", stop_sequence: null });
    expect(delta.usage).toEqual({ input_tokens: 30, cache_creation_input_tokens: 10, cache_read_input_tokens: 60, output_tokens: 20 });
  });

  it("writes out queued tool calls whole when text follows or the stream ends", () => {
    const events = encode([
      { type: "tool-call-start", index: 0, id: "a", name: "one" },
      { type: "tool-call-start", index: 1, id: "b", name: "two" },
      { type: "tool-call-delta", index: 1, argumentsDelta: "{}" },
      { type: "text-delta", text: "done" },
      { type: "tool-call-start", index: 2, id: "c", name: "three" },
      { type: "tool-call-start", index: 3, id: "d", name: "four" },
    ]);
    expect(outline(events).slice(2, -2)).toEqual([
      "content_block_start@0",
      "content_block_stop@0",
      "content_block_start@1",
      "input_json_delta@1",
      "content_block_stop@1",
      "content_block_start@2",
      "text_delta@2",
      "content_block_stop@2",
      "content_block_start@3",
      "content_block_stop@3",
      "content_block_start@4",
      "content_block_stop@4",
    ]);
  });

  it("still sends a whole message for an empty stream", () => {
    expect(outline(encode([]))).toEqual(["message_start", "ping", "message_delta", "message_stop"]);
  });

  it("maps finish reasons onto stop_reason", () => {
    const stopReason = (reason: Extract<StreamPart, { type: "finish" }>["reason"]) =>
      encode([{ type: "finish", reason }]).find(({ event }) => event === "message_delta")!.data.delta.stop_reason;
    expect(stopReason({ unified: "stop" })).toBe("end_turn");
    expect(stopReason({ unified: "stop", raw: "stop_sequence" })).toBe("stop_sequence");
    expect(stopReason({ unified: "length" })).toBe("max_tokens");
    expect(stopReason({ unified: "content-filter" })).toBe("refusal");
    expect(stopReason({ unified: "other", raw: "pause_turn" })).toBe("pause_turn");
  });

  it("writes a failure as an Anthropic error event", () => {
    const encoder = new AnthropicEventEncoder({ id: "msg_1", model: "m" });
    const frame = encoder.error(new SwitchyardError("SWY_ERR_STREAM_INTERRUPTED", "upstream: stream broke off"));
    expect(frame).toBe('event: error\ndata: {"type":"error","error":{"type":"api_error","message":"upstream: stream broke off"}}\n\n');
  });
});
