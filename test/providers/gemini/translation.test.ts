import { describe, expect, it } from "vitest";
import { SwitchyardError } from "../../../src/core/errors.js";
import type { ChatRequest } from "../../../src/core/types.js";
import { sanitizeSchemaForGemini } from "../../../src/providers/gemini/json-schema.js";
import { toGeminiRequest } from "../../../src/providers/gemini/request.js";
import { geminiResponseToParts } from "../../../src/providers/gemini/response.js";
import { geminiEventsToParts } from "../../../src/providers/gemini/stream.js";
import { generateContentResponseSchema } from "../../../src/providers/gemini/wire.js";
import { collect, fixtureEvents, fixtureJson } from "./fixtures.js";

const parse = (name: string) => generateContentResponseSchema.parse(fixtureJson(name));

describe("Gemini request translation", () => {
  it("moves system text to systemInstruction and assistant turns to role model", () => {
    const { body } = toGeminiRequest({
      model: "gemini-2.0-flash",
      messages: [
        { role: "system", content: [{ type: "text", text: "Be terse." }] },
        { role: "user", content: [{ type: "text", text: "Hi" }] },
        { role: "assistant", content: [{ type: "text", text: "Hello" }] },
        { role: "user", content: [{ type: "text", text: "Again" }] },
      ],
      temperature: 0.2,
      maxOutputTokens: 50,
      stopSequences: ["END"],
      seed: 7,
      topK: 3,
    });
    expect(body.systemInstruction).toEqual({ parts: [{ text: "Be terse." }] });
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "Hi" }] },
      { role: "model", parts: [{ text: "Hello" }] },
      { role: "user", parts: [{ text: "Again" }] },
    ]);
    expect(body.generationConfig).toEqual({ temperature: 0.2, maxOutputTokens: 50, stopSequences: ["END"], seed: 7, topK: 3 });
  });

  it("sends images as inlineData (base64 and data URLs) and fileData (http URLs)", () => {
    const { body } = toGeminiRequest({
      model: "m",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "look" },
            { type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBORw0" } },
            { type: "image", source: { kind: "url", url: "data:image/jpeg;base64,/9j/4AAQ" } },
            { type: "image", source: { kind: "url", url: "https://example.com/cat.webp" } },
          ],
        },
      ],
    });
    expect((body.contents as any)[0].parts).toEqual([
      { text: "look" },
      { inlineData: { mimeType: "image/png", data: "iVBORw0" } },
      { inlineData: { mimeType: "image/jpeg", data: "/9j/4AAQ" } },
      { fileData: { mimeType: "image/webp", fileUri: "https://example.com/cat.webp" } },
    ]);
  });

  it("maps several tool calls and their results back by function name, in one turn each", () => {
    const request: ChatRequest = {
      model: "m",
      messages: [
        { role: "user", content: [{ type: "text", text: "weather and time" }] },
        {
          role: "assistant",
          content: [
            { type: "tool-call", id: "call_a", name: "get_weather", arguments: '{"city":"Paris"}' },
            { type: "tool-call", id: "call_b", name: "get_time", arguments: "" },
          ],
        },
        { role: "tool", content: [{ type: "tool-result", toolCallId: "call_a", content: [{ type: "text", text: '{"temp":21}' }] }] },
        { role: "tool", content: [{ type: "tool-result", toolCallId: "call_b", content: [{ type: "text", text: "noon" }], isError: true }] },
      ],
      tools: [
        { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, additionalProperties: false } },
        { name: "get_time", parameters: { type: "object", properties: {} } },
      ],
      toolChoice: { type: "tool", name: "get_weather" },
    };
    const { body, warnings } = toGeminiRequest(request);
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "weather and time" }] },
      {
        role: "model",
        parts: [{ functionCall: { name: "get_weather", args: { city: "Paris" } } }, { functionCall: { name: "get_time", args: {} } }],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { name: "get_weather", response: { content: { temp: 21 } } } },
          { functionResponse: { name: "get_time", response: { error: "noon" } } },
        ],
      },
    ]);
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
          { name: "get_time" },
        ],
      },
    ]);
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["get_weather"] } });
    expect(warnings.map((warning) => warning.message).join()).toContain("additionalProperties");
  });

  it("rejects a tool result whose call is unknown with a 400-class error", () => {
    const attempt = () =>
      toGeminiRequest({ model: "m", messages: [{ role: "tool", content: [{ type: "tool-result", toolCallId: "nope", content: [] }] }] });
    expect(attempt).toThrow(SwitchyardError);
    try {
      attempt();
    } catch (error) {
      expect((error as SwitchyardError).status).toBe(400);
    }
  });

  it("asks for JSON with a sanitised responseSchema", () => {
    const { body } = toGeminiRequest({
      model: "m",
      messages: [{ role: "user", content: [{ type: "text", text: "x" }] }],
      responseFormat: {
        type: "json",
        schema: {
          $schema: "http://json-schema.org/draft-07/schema#",
          type: "object",
          properties: { kind: { const: "cat" }, owner: { $ref: "#/$defs/person" } },
          required: ["kind", "owner"],
          additionalProperties: false,
          $defs: { person: { type: "object", properties: { name: { type: ["string", "null"] } }, additionalProperties: false } },
        },
      },
    });
    expect(body.generationConfig).toEqual({
      responseMimeType: "application/json",
      responseSchema: {
        type: "object",
        properties: {
          kind: { type: "string", enum: ["cat"] },
          owner: { type: "object", properties: { name: { type: "string", nullable: true } } },
        },
        required: ["kind", "owner"],
      },
    });
  });
});

describe("Gemini thought signatures on function calls", () => {
  it("keeps the signature in the tool call id and sends it back on the next turn", async () => {
    const signature = Buffer.from("opaque-signature-bytes").toString("base64");
    const parts = await collect(
      geminiResponseToParts(
        generateContentResponseSchema.parse({
          candidates: [{ content: { role: "model", parts: [{ functionCall: { name: "get_weather", args: { city: "Oslo" } }, thoughtSignature: signature }] }, finishReason: "STOP" }],
        }),
        "gemini",
      ),
    );
    const start = parts.find((part) => part.type === "tool-call-start") as { id: string };
    expect(start.id).toMatch(/^call_[A-Za-z0-9]+__thought__[A-Za-z0-9_-]+$/);
    const { body } = toGeminiRequest({
      model: "m",
      messages: [
        { role: "user", content: [{ type: "text", text: "weather" }] },
        { role: "assistant", content: [{ type: "tool-call", id: start.id, name: "get_weather", arguments: '{"city":"Oslo"}' }] },
        { role: "tool", content: [{ type: "tool-result", toolCallId: start.id, content: [{ type: "text", text: "cold" }] }] },
      ],
    });
    expect((body.contents as any)[1].parts[0]).toEqual({ functionCall: { name: "get_weather", args: { city: "Oslo" } }, thoughtSignature: signature });
  });
});

describe("Gemini JSON Schema sanitising", () => {
  it("turns oneOf into anyOf, merges allOf, drops unsupported formats and stops at recursive refs", () => {
    const { schema, removed } = sanitizeSchemaForGemini({
      type: "object",
      properties: {
        choice: { oneOf: [{ type: "string" }, { type: "integer" }, { type: "null" }] },
        merged: { allOf: [{ type: "object", properties: { a: { type: "string" } } }, { properties: { b: { type: "number" } }, required: ["b"] }] },
        email: { type: "string", format: "email" },
        tree: { $ref: "#/definitions/node" },
      },
      definitions: { node: { type: "object", properties: { child: { $ref: "#/definitions/node" } } } },
    });
    const properties = schema!.properties as Record<string, any>;
    expect(properties.choice).toEqual({ nullable: true, anyOf: [{ type: "string" }, { type: "integer" }] });
    expect(properties.merged).toEqual({ type: "object", properties: { a: { type: "string" }, b: { type: "number" } }, required: ["b"] });
    expect(properties.email).toEqual({ type: "string" });
    expect(JSON.stringify(properties.tree)).not.toContain("$ref");
    expect(removed).toEqual(expect.arrayContaining(["format: email", "$ref (recursive)"]));
  });
});

describe("Gemini response translation (recorded bodies)", () => {
  it("reads text, metadata and usage", async () => {
    const parts = await collect(geminiResponseToParts(parse("gemini-text.json"), "gemini"));
    expect(parts).toEqual([
      { type: "response-metadata", id: "7Hc4aPKVNcOUmNAPqOWK4AE", model: "gemini-2.0-flash" },
      { type: "text-delta", text: "Paris is the capital of France." },
      { type: "usage", usage: { inputTokens: 9, outputTokens: 7 } },
      { type: "finish", reason: { unified: "stop", raw: "STOP" } },
    ]);
  });

  it("maps STOP after function calls to tool-calls and gives every call its own id", async () => {
    const parts = await collect(geminiResponseToParts(parse("gemini-tool-calls.json"), "gemini"));
    const starts = parts.filter((part) => part.type === "tool-call-start");
    expect(starts.map((part) => part.name)).toEqual(["get_weather", "get_time"]);
    expect(new Set(starts.map((part) => part.id)).size).toBe(2);
    expect(parts.filter((part) => part.type === "tool-call-delta").map((part) => part.argumentsDelta)).toEqual([
      '{"city":"Paris"}',
      '{"zone":"Europe/Paris"}',
    ]);
    expect(parts.at(-1)).toEqual({ type: "finish", reason: { unified: "tool-calls", raw: "STOP" } });
  });

  it("maps safety stops and blocked prompts to content-filter", async () => {
    expect((await collect(geminiResponseToParts(parse("gemini-safety.json"), "g"))).at(-1)).toEqual({
      type: "finish",
      reason: { unified: "content-filter", raw: "SAFETY" },
    });
    expect((await collect(geminiResponseToParts(parse("gemini-prompt-blocked.json"), "g"))).at(-1)).toEqual({
      type: "finish",
      reason: { unified: "content-filter", raw: "PROHIBITED_CONTENT" },
    });
  });

  it("reads thoughts as reasoning and counts thought and cached tokens", async () => {
    const parts = await collect(geminiResponseToParts(parse("gemini-thinking.json"), "g"));
    expect(parts[1]).toEqual({ type: "reasoning-delta", text: "The user asks for 2+2; simple arithmetic." });
    expect(parts.find((part) => part.type === "usage")).toEqual({
      type: "usage",
      usage: { inputTokens: 1210, outputTokens: 53, cachedInputTokens: 1024, reasoningTokens: 52 },
    });
  });
});

describe("Gemini stream translation (recorded streams)", () => {
  it("streams text deltas and ends with usage and stop", async () => {
    const parts = await collect(geminiEventsToParts(fixtureEvents("gemini-stream-text.chunks.txt"), "gemini"));
    expect(parts.filter((part) => part.type === "text-delta").map((part) => part.text).join("")).toBe(
      "The sky is blue because of Rayleigh scattering.",
    );
    expect(parts.slice(-2)).toEqual([
      { type: "usage", usage: { inputTokens: 8, outputTokens: 10 } },
      { type: "finish", reason: { unified: "stop", raw: "STOP" } },
    ]);
  });

  it("streams several whole function calls and reports tool-calls despite STOP", async () => {
    const parts = await collect(geminiEventsToParts(fixtureEvents("gemini-stream-tools.chunks.txt"), "gemini"));
    expect(parts.map((part) => part.type)).toEqual([
      "response-metadata",
      "text-delta",
      "tool-call-start",
      "tool-call-delta",
      "tool-call-end",
      "tool-call-start",
      "tool-call-delta",
      "tool-call-end",
      "usage",
      "finish",
    ]);
    expect(parts.at(-1)).toEqual({ type: "finish", reason: { unified: "tool-calls", raw: "STOP" } });
  });

  it("turns an error event inside the stream into an error part", async () => {
    const parts = await collect(geminiEventsToParts(fixtureEvents("gemini-stream-error.chunks.txt"), "gemini"));
    const last = parts.at(-1)!;
    expect(last.type).toBe("error");
    const error = (last as { error: SwitchyardError }).error;
    expect(error.code).toBe("SWY_ERR_UPSTREAM_UNAVAILABLE");
    expect(error.retryable).toBe(true);
  });

  it("reports a stream that ends without a finish reason as interrupted", async () => {
    async function* cut() {
      yield* (async function* () {
        for await (const event of fixtureEvents("gemini-stream-text.chunks.txt")) {
          if (event.data.includes("finishReason")) return;
          yield event;
        }
      })();
    }
    const parts = await collect(geminiEventsToParts(cut(), "gemini"));
    expect(parts.at(-1)!.type).toBe("error");
    expect(((parts.at(-1) as { error: SwitchyardError }).error).code).toBe("SWY_ERR_STREAM_INTERRUPTED");
  });
});
