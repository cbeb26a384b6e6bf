import { describe, expect, it } from "vitest";
import type { SwitchyardError } from "../../../src/core/errors.js";
import { readEventStream } from "../../../src/providers/bedrock/event-stream.js";
import { toBedrockRequest } from "../../../src/providers/bedrock/request.js";
import { converseResponseToParts } from "../../../src/providers/bedrock/response.js";
import { converseEventsToParts } from "../../../src/providers/bedrock/stream.js";
import { converseResponseSchema } from "../../../src/providers/bedrock/wire.js";
import { collect, fixtureBytes, fixtureJson, inPieces } from "./fixtures.js";

const parse = (name: string) => converseResponseSchema.parse(fixtureJson(name));
const streamOf = (name: string, size = 7, jsonTool?: string) =>
  collect(converseEventsToParts(readEventStream(inPieces(fixtureBytes(name), size)), "bedrock", { jsonTool }));

describe("Bedrock request translation", () => {
  it("builds system, alternating messages, images as bytes, tools and inference config", () => {
    const { body, warnings } = toBedrockRequest({
      model: "m",
      messages: [
        { role: "system", content: [{ type: "text", text: "Be terse." }] },
        { role: "user", content: [{ type: "text", text: "look" }, { type: "image", source: { kind: "url", url: "data:image/png;base64,iVBORw0" } }] },
        { role: "user", content: [{ type: "text", text: "and this" }] },
        { role: "assistant", content: [{ type: "tool-call", id: "tooluse_1", name: "get_weather", arguments: '{"city":"Paris"}' }] },
        { role: "tool", content: [{ type: "tool-result", toolCallId: "tooluse_1", content: [{ type: "text", text: "21C" }], isError: true }] },
      ],
      tools: [{ name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } }],
      toolChoice: { type: "required" },
      maxOutputTokens: 100,
      temperature: 0.5,
      stopSequences: ["END"],
      seed: 1,
    });
    expect(body.system).toEqual([{ text: "Be terse." }]);
    expect(body.messages).toEqual([
      { role: "user", content: [{ text: "look" }, { image: { format: "png", source: { bytes: "iVBORw0" } } }, { text: "and this" }] },
      { role: "assistant", content: [{ toolUse: { toolUseId: "tooluse_1", name: "get_weather", input: { city: "Paris" } } }] },
      { role: "user", content: [{ toolResult: { toolUseId: "tooluse_1", content: [{ text: "21C" }], status: "error" } }] },
    ]);
    expect(body.toolConfig).toEqual({
      tools: [{ toolSpec: { name: "get_weather", description: "Weather", inputSchema: { json: { type: "object", properties: { city: { type: "string" } } } } } }],
      toolChoice: { any: {} },
    });
    expect(body.inferenceConfig).toEqual({ maxTokens: 100, temperature: 0.5, stopSequences: ["END"] });
    expect(warnings.map((warning) => warning.setting)).toEqual(["seed"]);
  });

  it("maps tool call ids Converse would reject to a stable id, the same for call and result", () => {
    const long = `call_abc__thought__${"x".repeat(120)}`;
    const { body } = toBedrockRequest({
      model: "m",
      messages: [
        { role: "user", content: [{ type: "text", text: "go" }] },
        { role: "assistant", content: [{ type: "tool-call", id: long, name: "f", arguments: "{}" }] },
        { role: "tool", content: [{ type: "tool-result", toolCallId: long, content: [{ type: "text", text: "ok" }] }] },
      ],
      tools: [{ name: "f", parameters: { type: "object" } }],
    });
    const messages = body.messages as any[];
    const callId = messages[1].content[0].toolUse.toolUseId;
    expect(callId).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    expect(messages[2].content[0].toolResult.toolUseId).toBe(callId);
  });

  it("rejects remote image URLs with a clear 400 (Bedrock takes bytes)", () => {
    expect(() =>
      toBedrockRequest({ model: "m", messages: [{ role: "user", content: [{ type: "image", source: { kind: "url", url: "https://example.com/a.png" } }] }] }),
    ).toThrow(/data: URL/);
  });

  it("rides JSON output on a forced tool", () => {
    const request = toBedrockRequest({
      model: "m",
      messages: [{ role: "user", content: [{ type: "text", text: "city" }] }],
      responseFormat: { type: "json", schema: { type: "object", properties: { name: { type: "string" } } } },
    });
    expect(request.jsonTool).toBe("json_response");
    expect(request.body.toolConfig).toMatchObject({ toolChoice: { tool: { name: "json_response" } } });
  });

  it("wraps a non-object JSON schema as {value} and unwraps the answer", async () => {
    const request = toBedrockRequest({
      model: "m",
      messages: [{ role: "user", content: [{ type: "text", text: "cities" }] }],
      responseFormat: { type: "json", schema: { type: "array", items: { type: "string" } } },
    });
    expect(request.jsonWrapped).toBe(true);
    expect((request.body.toolConfig as any).tools[0].toolSpec.inputSchema.json).toEqual({
      type: "object",
      properties: { value: { type: "array", items: { type: "string" } } },
      required: ["value"],
    });
    const parts = await collect(
      converseResponseToParts(
        { output: { message: { content: [{ toolUse: { toolUseId: "t", name: "json_response", input: { value: ["Paris", "Oslo"] } } }] } }, stopReason: "tool_use" },
        request.jsonTool,
        request.jsonWrapped,
      ),
    );
    expect(parts.filter((part) => part.type === "text-delta")).toEqual([{ type: "text-delta", text: '["Paris","Oslo"]' }]);
    expect(parts.at(-1)).toEqual({ type: "finish", reason: { unified: "stop", raw: "tool_use" } });
  });
});

describe("Bedrock Converse responses (recorded bodies)", () => {
  it("reads text and usage", async () => {
    expect(await collect(converseResponseToParts(parse("converse-text.json")))).toEqual([
      { type: "response-metadata" },
      { type: "text-delta", text: "The capital of France is Paris." },
      { type: "usage", usage: { inputTokens: 14, outputTokens: 10 } },
      { type: "finish", reason: { unified: "stop", raw: "end_turn" } },
    ]);
  });

  it("reads several tool uses and counts cache reads into input", async () => {
    const parts = await collect(converseResponseToParts(parse("converse-tool-use.json")));
    expect(parts.filter((part) => part.type === "tool-call-start")).toEqual([
      { type: "tool-call-start", index: 0, id: "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", name: "get_weather" },
      { type: "tool-call-start", index: 1, id: "tooluse_4cQ1nTgVQ3uTq1cZbYgY1A", name: "get_time" },
    ]);
    expect(parts.find((part) => part.type === "usage")).toEqual({ type: "usage", usage: { inputTokens: 1415, outputTokens: 98, cachedInputTokens: 1000 } });
    expect(parts.at(-1)).toEqual({ type: "finish", reason: { unified: "tool-calls", raw: "tool_use" } });
  });

  it("maps a guardrail intervention to content-filter", async () => {
    expect((await collect(converseResponseToParts(parse("converse-guardrail.json")))).at(-1)).toEqual({
      type: "finish",
      reason: { unified: "content-filter", raw: "guardrail_intervened" },
    });
  });
});

describe("Bedrock ConverseStream (recorded event streams, split across network chunks)", () => {
  it("decodes text deltas, usage and the stop reason", async () => {
    for (const size of [1, 7, 4096]) {
      const parts = await streamOf("converse-stream-text.chunks.txt", size);
      expect(parts).toEqual([
        { type: "response-metadata" },
        { type: "text-delta", text: "The sky" },
        { type: "text-delta", text: " is blue." },
        { type: "usage", usage: { inputTokens: 12, outputTokens: 6 } },
        { type: "finish", reason: { unified: "stop", raw: "end_turn" } },
      ]);
    }
  });

  it("streams several tool uses with their input in pieces", async () => {
    const parts = await streamOf("converse-stream-tools.chunks.txt");
    const first = parts.filter((part) => part.type === "tool-call-delta" && part.index === 0).map((part) => (part as { argumentsDelta: string }).argumentsDelta);
    expect(JSON.parse(first.join(""))).toEqual({ city: "Paris" });
    expect(parts.filter((part) => part.type === "tool-call-end")).toHaveLength(2);
    expect(parts.at(-1)).toEqual({ type: "finish", reason: { unified: "tool-calls", raw: "tool_use" } });
  });

  it("turns the forced JSON tool back into text with a normal stop", async () => {
    const parts = await streamOf("converse-stream-json-tool.chunks.txt", 7, "json_response");
    expect(parts.filter((part) => part.type === "text-delta").map((part) => (part as { text: string }).text).join("")).toBe('{"name": "Paris"}');
    expect(parts.some((part) => part.type === "tool-call-start")).toBe(false);
    expect(parts.at(-1)).toEqual({ type: "finish", reason: { unified: "stop", raw: "tool_use" } });
  });

  it("turns an exception inside the 200 stream into a retryable error part", async () => {
    const parts = await streamOf("converse-stream-exception.chunks.txt");
    const error = (parts.at(-1) as { error: SwitchyardError }).error;
    expect(error.code).toBe("SWY_ERR_UPSTREAM_RATE_LIMITED");
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("Too many tokens");
  });

  it("reports a stream cut before messageStop, or inside a frame, as interrupted", async () => {
    const bytes = fixtureBytes("converse-stream-text.chunks.txt");
    for (const cut of [bytes.length - 200, bytes.length - 100]) {
      const parts = await collect(converseEventsToParts(readEventStream(inPieces(bytes.subarray(0, cut), 64)), "bedrock"));
      expect((parts.at(-1) as { error: SwitchyardError }).error.code).toBe("SWY_ERR_STREAM_INTERRUPTED");
    }
  });

  it("rejects a frame whose checksum is wrong", async () => {
    const bytes = Buffer.from(fixtureBytes("converse-stream-text.chunks.txt"));
    bytes[40] = bytes[40]! ^ 0xff;
    const parts = await collect(converseEventsToParts(readEventStream(inPieces(bytes, 64)), "bedrock"));
    expect(parts.at(-1)!.type).toBe("error");
  });
});
