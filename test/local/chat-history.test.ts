import { describe, expect, it } from "vitest";
import { toChatHistory } from "../../src/providers/local/request.js";

describe("canonical chat -> node-llama-cpp history", () => {
  it("maps roles and folds tool results into the assistant's function calls, which the model then continues", () => {
    const { history, functions, warnings } = toChatHistory({
      model: "m",
      messages: [
        { role: "system", content: [{ type: "text", text: "be kind" }] },
        { role: "user", content: [{ type: "text", text: "weather in Oslo?" }, { type: "image", source: { kind: "url", url: "http://x/y.png" } }] },
        { role: "assistant", content: [{ type: "tool-call", id: "call_1", name: "get_weather", arguments: '{"city":"Oslo"}' }] },
        { role: "tool", content: [{ type: "tool-result", toolCallId: "call_1", content: [{ type: "text", text: "-3C" }] }] },
      ],
      tools: [{ name: "get_weather", description: "current weather", parameters: { type: "object", properties: { city: { type: "string" } } } }],
    });
    expect(history).toEqual([
      { type: "system", text: "be kind" },
      { type: "user", text: "weather in Oslo?" },
      // node-llama-cpp continues the model turn that holds the answered call (as its own sessions do).
      { type: "model", response: [{ type: "functionCall", name: "get_weather", params: { city: "Oslo" }, result: "-3C" }] },
    ]);
    expect(Object.keys(functions ?? {})).toEqual(["get_weather"]);
    expect(warnings.map((warning) => warning.setting)).toEqual(["messages[1].content"]);
  });

  it("continues an assistant prefill instead of opening a new turn", () => {
    const { history } = toChatHistory({
      model: "m",
      messages: [
        { role: "user", content: [{ type: "text", text: "count" }] },
        { role: "assistant", content: [{ type: "text", text: "1, 2," }] },
      ],
    });
    expect(history.at(-1)).toEqual({ type: "model", response: ["1, 2,"] });
  });

  it("leaves tools out for tool_choice none and with a JSON response format (with a warning)", () => {
    const tools = [{ name: "f", parameters: { type: "object" } }];
    const messages = [{ role: "user" as const, content: [{ type: "text" as const, text: "x" }] }];
    expect(toChatHistory({ model: "m", messages, tools, toolChoice: { type: "none" } }).functions).toBeUndefined();
    const json = toChatHistory({ model: "m", messages, tools, responseFormat: { type: "json" } });
    expect(json.functions).toBeUndefined();
    expect(json.warnings[0]?.setting).toBe("tools");
  });

  it("rejects tool_choice naming an unknown tool", () => {
    expect(() =>
      toChatHistory({ model: "m", messages: [{ role: "user", content: [{ type: "text", text: "x" }] }], tools: [{ name: "f", parameters: {} }], toolChoice: { type: "tool", name: "g" } }),
    ).toThrow(/tool_choice names a tool/);
  });
});
