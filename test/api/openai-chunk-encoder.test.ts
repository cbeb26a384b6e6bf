import { describe, expect, it } from "vitest";
import { openaiSseEncoder } from "../../src/api/openai/routes.js";
import type { StreamPart } from "../../src/core/types.js";

const HEAD = 'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":7,"model":"m\\"x","system_fingerprint":null,"choices":';
const open = (delta: string) => `${HEAD}[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":null}]}\n\n`;

describe("openaiSseEncoder", () => {
  it("writes each part as OpenAI's chunk frames, the role first and usage and [DONE] last", () => {
    const encoder = openaiSseEncoder({ id: "chatcmpl-1", model: 'm"x', created: 7 }, true);
    const parts: StreamPart[] = [
      { type: "response-metadata", id: "up", model: "up-model", created: 1 },
      { type: "reasoning-delta", text: "think" },
      { type: "text-delta", text: 'Hi "there"\n' },
      { type: "text-delta", text: "" },
      { type: "tool-call-start", index: 3, id: "call_a", name: "f" },
      { type: "tool-call-delta", index: 3, argumentsDelta: '{"a":1}' },
      { type: "tool-call-end", index: 3 },
      { type: "usage", usage: { inputTokens: 4, outputTokens: 5, cachedInputTokens: 2 } },
      { type: "finish", reason: { unified: "tool-calls", raw: "tool_calls" } },
    ];
    expect(parts.map((part) => encoder.frames(part))).toEqual([
      open('{"role":"assistant","content":"","refusal":null}'),
      open('{"reasoning_content":"think"}'),
      open('{"content":"Hi \\"there\\"\\n"}'),
      "",
      open('{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"f","arguments":""}}]}'),
      open('{"tool_calls":[{"index":0,"function":{"arguments":"{\\"a\\":1}"}}]}'),
      "",
      "",
      `${HEAD}[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}]}\n\n`,
    ]);
    expect(encoder.end()).toBe(`${HEAD}[],"usage":{"prompt_tokens":4,"completion_tokens":5,"total_tokens":9,"prompt_tokens_details":{"cached_tokens":2},"completion_tokens_details":{"reasoning_tokens":0}}}\n\ndata: [DONE]\n\n`);
  });

  it("sends no usage chunk unless asked, and the role with the first part of any kind", () => {
    const encoder = openaiSseEncoder({ id: "chatcmpl-1", model: 'm"x', created: 7 }, false);
    expect(encoder.frames({ type: "usage", usage: { inputTokens: 1, outputTokens: 1 } })).toBe(open('{"role":"assistant","content":"","refusal":null}'));
    expect(encoder.frames({ type: "finish", reason: { unified: "stop", raw: "stop" } })).toBe(`${HEAD}[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}\n\n`);
    expect(encoder.end()).toBe("data: [DONE]\n\n");
  });
});
