import { describe, expect, it } from "vitest";
import type { ChatRequest } from "../../src/core/types.js";
import { quickInputEstimate, requestText, requestTextLength } from "../../src/control/usage/token-estimate.js";

const requests: ChatRequest[] = [
  { model: "m", messages: [] },
  { model: "m", messages: [{ role: "user", content: [{ type: "text", text: "" }] }] },
  { model: "m", messages: [{ role: "user", content: [{ type: "text", text: "Say hello in one short sentence." }] }] },
  {
    model: "m",
    messages: [
      { role: "system", content: [{ type: "text", text: "Be brief." }] },
      {
        role: "user",
        content: [
          { type: "text", text: "What is in this picture, and the weather in Paris? 日本語 🙂" },
          { type: "image", source: { kind: "url", url: "https://example.test/a.png" } },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "The user wants two things." },
          { type: "tool-call", id: "call_1", name: "weather", arguments: '{"city":"Paris"}' },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "call_1",
            content: [
              { type: "text", text: "18 C, clear" },
              { type: "image", source: { kind: "base64", mediaType: "image/png", data: "AAAA" } },
            ],
          },
        ],
      },
    ],
    tools: [
      { name: "weather", description: "Weather now", parameters: { type: "object", properties: { city: { type: "string" } } } },
      { name: "no_description", parameters: {} },
    ],
    responseFormat: { type: "json", schema: { type: "object", properties: { answer: { type: "string" } } } },
  },
];

describe("the quick input estimate", () => {
  it("measures the request's text exactly as long as the text it would count", () => {
    for (const request of requests) expect(requestTextLength(request)).toBe(requestText(request).length);
  });

  it("reserves a third of a token per character, four per message and 800 per image of a message", () => {
    const request = requests[3]!;
    // The image inside the tool result is not a message's own part: only the user's image is reserved.
    expect(quickInputEstimate(request)).toBe(Math.ceil(requestText(request).length / 3) + 4 * 4 + 800);
  });
});
