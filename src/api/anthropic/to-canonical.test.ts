import { describe, expect, it } from "vitest";
import { messagesRequestSchema } from "./schema.js";
import { messagesToCanonical } from "./to-canonical.js";

describe("Anthropic Messages request -> canonical request", () => {
  it("splits tool results out of user turns and keeps everything else", () => {
    const body = messagesRequestSchema.parse({
      model: "m",
      max_tokens: 256,
      system: [{ type: "text", text: "sys", cache_control: { type: "ephemeral" } }],
      temperature: 0.5,
      top_k: 3,
      stop_sequences: ["END"],
      metadata: { user_id: "u-1" },
      thinking: { type: "enabled", budget_tokens: 1024 },
      tools: [{ name: "weather", input_schema: { type: "object" } }],
      tool_choice: { type: "auto", disable_parallel_tool_use: true },
      messages: [
        { role: "user", content: "hi" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "t", signature: "s" },
            { type: "redacted_thinking", data: "opaque" },
            { type: "text", text: "calling" },
            { type: "tool_use", id: "tu1", name: "weather", input: { city: "Oslo" } },
            { type: "tool_use", id: "tu2", name: "weather", input: { city: "Rome" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "tu1", content: "cold" },
            { type: "tool_result", tool_use_id: "tu2", content: [{ type: "text", text: "warm" }], is_error: true },
            { type: "text", text: "and now?" },
            { type: "image", source: { type: "url", url: "https://example.com/x.png" } },
          ],
        },
      ],
    });
    expect(messagesToCanonical(body)).toEqual({
      model: "m",
      maxOutputTokens: 256,
      temperature: 0.5,
      topK: 3,
      stopSequences: ["END"],
      user: "u-1",
      providerOptions: { anthropic: { thinking: { type: "enabled", budget_tokens: 1024 } } },
      tools: [{ name: "weather", parameters: { type: "object" } }],
      toolChoice: { type: "auto" },
      parallelToolCalls: false,
      messages: [
        { role: "system", content: [{ type: "text", text: "sys" }] },
        { role: "user", content: [{ type: "text", text: "hi" }] },
        {
          role: "assistant",
          content: [
            { type: "reasoning", text: "t", signature: "s" },
            { type: "text", text: "calling" },
            { type: "tool-call", id: "tu1", name: "weather", arguments: '{"city":"Oslo"}' },
            { type: "tool-call", id: "tu2", name: "weather", arguments: '{"city":"Rome"}' },
          ],
        },
        {
          role: "tool",
          content: [
            { type: "tool-result", toolCallId: "tu1", content: [{ type: "text", text: "cold" }] },
            { type: "tool-result", toolCallId: "tu2", content: [{ type: "text", text: "warm" }], isError: true },
          ],
        },
        {
          role: "user",
          content: [
            { type: "text", text: "and now?" },
            { type: "image", source: { kind: "url", url: "https://example.com/x.png" } },
          ],
        },
      ],
    });
  });

  it("maps tool_choice any/tool/none and output_format", () => {
    const base = { model: "m", max_tokens: 5, messages: [{ role: "user", content: "x" }] };
    const convert = (extra: Record<string, unknown>) => messagesToCanonical(messagesRequestSchema.parse({ ...base, ...extra }));
    expect(convert({ tool_choice: { type: "any" } }).toolChoice).toEqual({ type: "required" });
    expect(convert({ tool_choice: { type: "tool", name: "w" } }).toolChoice).toEqual({ type: "tool", name: "w" });
    expect(convert({ tool_choice: { type: "none" } }).toolChoice).toEqual({ type: "none" });
    expect(convert({ output_format: { type: "json_schema", schema: { type: "object" } } }).responseFormat).toEqual({ type: "json", schema: { type: "object" } });
  });
});
