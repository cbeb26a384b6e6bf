import { describe, expect, it } from "vitest";
import { collectStream } from "../../../src/gateway/collect.js";
import { mapAnthropicStopReason } from "../../../src/providers/anthropic/finish-reason.js";
import { anthropicMessageToParts } from "../../../src/providers/anthropic/response.js";
import { messageSchema } from "../../../src/providers/anthropic/wire.js";
import { anthropicErrorMessage, codeForAnthropicErrorType } from "../../../src/providers/anthropic/errors.js";
import { readFixture } from "./fixtures.js";

async function* once<T>(items: Iterable<T>) {
  yield* items;
}

const message = (name: string) => messageSchema.parse(JSON.parse(readFixture(name)));

describe("Anthropic message -> canonical response", () => {
  it("counts cache reads and writes inside inputTokens", async () => {
    const response = await collectStream(once(anthropicMessageToParts(message("text.json"))));
    expect(response.content).toEqual([{ type: "text", text: "Hello! How can I help you today?" }]);
    expect(response.usage).toEqual({ inputTokens: 2112, outputTokens: 11, cachedInputTokens: 2000, cacheWriteInputTokens: 100 });
    expect(response.finishReason).toEqual({ unified: "stop", raw: "end_turn" });
    expect(response.id).toBe("msg_01XFDUDYJgAACzvnptvVoYEL");
  });

  it("keeps thinking with its signature, text and several tool calls", async () => {
    const response = await collectStream(once(anthropicMessageToParts(message("tool-use.json"))));
    expect(response.content).toEqual([
      { type: "reasoning", text: "The user wants weather and time.", signature: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds" },
      { type: "text", text: "I'll check both." },
      { type: "tool-call", id: "toolu_01A09q90qw90lq917835lq9", name: "get_weather", arguments: '{"location":"San Francisco, CA","unit":"celsius"}' },
      { type: "tool-call", id: "toolu_01B8yT3n2WQc7xP5", name: "get_time", arguments: '{"timezone":"America/Los_Angeles"}' },
    ]);
    expect(response.finishReason.unified).toBe("tool-calls");
  });

  it("maps every stop reason", () => {
    expect(mapAnthropicStopReason("end_turn").unified).toBe("stop");
    expect(mapAnthropicStopReason("stop_sequence").unified).toBe("stop");
    expect(mapAnthropicStopReason("max_tokens").unified).toBe("length");
    expect(mapAnthropicStopReason("tool_use").unified).toBe("tool-calls");
    expect(mapAnthropicStopReason("refusal").unified).toBe("content-filter");
    expect(mapAnthropicStopReason("pause_turn")).toEqual({ unified: "other", raw: "pause_turn" });
  });

  it("reads Anthropic error bodies and error types", () => {
    expect(anthropicErrorMessage('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}')).toBe("overloaded_error: Overloaded");
    expect(anthropicErrorMessage("<html>")).toBeUndefined();
    expect(codeForAnthropicErrorType("rate_limit_error")).toBe("SWY_ERR_UPSTREAM_RATE_LIMITED");
    expect(codeForAnthropicErrorType("api_error")).toBe("SWY_ERR_UPSTREAM_ERROR");
  });
});
