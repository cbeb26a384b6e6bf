import { describe, expect, it } from "vitest";
import type { ChatRequest } from "../../../src/core/types.js";
import { defaultMaxTokens } from "../../../src/providers/anthropic/config.js";
import { toAnthropicRequest } from "../../../src/providers/anthropic/request.js";

const settings = { maxTokens: (model: string) => defaultMaxTokens(model, {}) };

describe("canonical request -> Anthropic Messages body", () => {
  it("hoists system prompts, merges consecutive tool results into one user turn, keeps images", () => {
    const request: ChatRequest = {
      model: "claude-sonnet-4-5",
      messages: [
        { role: "system", content: [{ type: "text", text: "Be brief." }] },
        {
          role: "user",
          content: [
            { type: "text", text: "Weather and time?" },
            { type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBORw0KGgo=" } },
            { type: "image", source: { kind: "url", url: "https://example.com/a.jpg" } },
          ],
        },
        {
          role: "assistant",
          content: [
            { type: "reasoning", text: "thinking", signature: "sig" },
            { type: "reasoning", text: "unsigned" },
            { type: "text", text: "" },
            { type: "tool-call", id: "t1", name: "weather", arguments: '{"city":"Paris"}' },
            { type: "tool-call", id: "t2", name: "time", arguments: "" },
          ],
        },
        { role: "tool", content: [{ type: "tool-result", toolCallId: "t1", content: [{ type: "text", text: "sunny" }] }] },
        { role: "tool", content: [{ type: "tool-result", toolCallId: "t2", content: [{ type: "text", text: "boom" }], isError: true }] },
        { role: "user", content: [{ type: "text", text: "thanks" }] },
      ],
      user: "user-42",
      stopSequences: ["END"],
      temperature: 0.3,
      topK: 5,
    };
    const { body } = toAnthropicRequest(request, true, settings);
    expect(body).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 8192,
      system: [{ type: "text", text: "Be brief." }],
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Weather and time?" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
            { type: "image", source: { type: "url", url: "https://example.com/a.jpg" } },
          ],
        },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "thinking", signature: "sig" },
            { type: "tool_use", id: "t1", name: "weather", input: { city: "Paris" } },
            { type: "tool_use", id: "t2", name: "time", input: {} },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "t1", content: [{ type: "text", text: "sunny" }] },
            { type: "tool_result", tool_use_id: "t2", content: [{ type: "text", text: "boom" }], is_error: true },
            { type: "text", text: "thanks" },
          ],
        },
      ],
      metadata: { user_id: "user-42" },
      stop_sequences: ["END"],
      temperature: 0.3,
      top_k: 5,
      stream: true,
    });
  });

  it("maps tool_choice and parallel_tool_calls=false to disable_parallel_tool_use", () => {
    const base: ChatRequest = {
      model: "m",
      messages: [{ role: "user", content: [{ type: "text", text: "x" }] }],
      tools: [{ name: "weather", parameters: { type: "object" } }],
    };
    const choice = (request: Partial<ChatRequest>) => toAnthropicRequest({ ...base, ...request }, false, settings).body.tool_choice;
    expect(choice({ toolChoice: { type: "auto" } })).toEqual({ type: "auto" });
    expect(choice({ toolChoice: { type: "required" } })).toEqual({ type: "any" });
    expect(choice({ toolChoice: { type: "none" } })).toEqual({ type: "none" });
    expect(choice({ toolChoice: { type: "tool", name: "weather" } })).toEqual({ type: "tool", name: "weather" });
    expect(choice({ parallelToolCalls: false })).toEqual({ type: "auto", disable_parallel_tool_use: true });
    expect(choice({ toolChoice: { type: "required" }, parallelToolCalls: false })).toEqual({ type: "any", disable_parallel_tool_use: true });
    expect(choice({ toolChoice: { type: "none" }, parallelToolCalls: false })).toEqual({ type: "none" });
  });

  it("emulates JSON output with a forced tool, wrapping non-object schemas", () => {
    const request: ChatRequest = {
      model: "m",
      messages: [{ role: "user", content: [{ type: "text", text: "x" }] }],
      responseFormat: { type: "json", name: "cities", schema: { type: "array", items: { type: "string" } } },
    };
    const { body, jsonTool } = toAnthropicRequest(request, false, settings);
    expect(jsonTool).toEqual({ name: "json_response", wrapped: true, forced: true });
    expect(body.tool_choice).toEqual({ type: "tool", name: "json_response" });
    expect(body.tools).toEqual([
      {
        name: "json_response",
        description: "Respond with the final answer (cities) as this tool's input.",
        input_schema: { type: "object", properties: { value: { type: "array", items: { type: "string" } } }, required: ["value"] },
      },
    ]);
  });

  it("warns about settings the Messages API lacks and clamps temperature", () => {
    const { body, warnings } = toAnthropicRequest(
      { model: "m", messages: [{ role: "user", content: [{ type: "text", text: "x" }] }], seed: 1, temperature: 1.5, frequencyPenalty: 0.5 },
      false,
      settings,
    );
    expect(body.temperature).toBe(1);
    expect(warnings.map((warning) => warning.setting)).toEqual(["temperature", "seed", "frequency_penalty"]);
  });

  it("picks max_tokens per model, overridable in config", () => {
    expect(defaultMaxTokens("claude-3-haiku-20240307", {})).toBe(4096);
    expect(defaultMaxTokens("claude-sonnet-4-5", {})).toBe(8192);
    expect(defaultMaxTokens("claude-sonnet-4-5", { default_max_tokens: 1000 })).toBe(1000);
    expect(defaultMaxTokens("claude-opus-4-1", { max_tokens_by_model: { "claude-opus-*": 32000, "claude-opus-4-1": 16000 } })).toBe(16000);
    expect(defaultMaxTokens("claude-opus-4-5", { max_tokens_by_model: { "claude-opus-*": 32000 } })).toBe(32000);
  });
});
