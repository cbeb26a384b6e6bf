import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBedrockEmulator, type BedrockEmulator } from "../emulators/bedrock/server.js";
import { startGeminiEmulator, type GeminiEmulator } from "../emulators/gemini/server.js";
import { startMistralEmulator, type MistralEmulator } from "../emulators/mistral/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";

const tools: Anthropic.Tool[] = [
  { name: "get_weather", input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
  { name: "get_time", input_schema: { type: "object", properties: { zone: { type: "string" } } } },
];
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const credentials = { accessKeyId: "AKIDANTHROPIC", secretAccessKey: "anthropic/secret", sessionToken: "anthropic-token" };
const noBreaker = { circuit_breaker: { enabled: false } };

// The Anthropic edge in front of the other provider families: one canonical model in the middle.
describe("official @anthropic-ai/sdk -> gateway -> Gemini, Bedrock, Mistral", () => {
  let gemini: GeminiEmulator;
  let bedrock: BedrockEmulator;
  let mistral: MistralEmulator;
  let gateway: RunningGateway;
  let client: Anthropic;

  beforeAll(async () => {
    gemini = await startGeminiEmulator({ apiKey: "gm-key" });
    bedrock = await startBedrockEmulator({ credentials });
    mistral = await startMistralEmulator({ apiKey: "ms-key" });
    // Node's 5 s keep-alive default lets a busy machine reuse a socket the emulator already closed.
    for (const emulator of [gemini, bedrock, mistral]) emulator.server.keepAliveTimeout = 120_000;
    gateway = await startGateway(
      {
        providers: {
          studio: { type: "gemini", api_key: "env:GEMINI_API_KEY", base_url: gemini.url },
          aws: { type: "bedrock", base_url: bedrock.url },
          mistral: { type: "mistral", base_url: mistral.baseURL, api_key: "env:MISTRAL_API_KEY" },
        },
        models: {
          gemini: { routes: [{ provider: "studio", model: "gemini-2.0-flash" }], strategy: noBreaker },
          bedrock: { routes: [{ provider: "aws", model: "anthropic.claude-3-5-sonnet-20240620-v1:0" }], strategy: noBreaker },
          mistral: { routes: [{ provider: "mistral", model: "mistral-small-latest" }], strategy: noBreaker },
        },
      },
      {
        env: {
          GEMINI_API_KEY: "gm-key",
          MISTRAL_API_KEY: "ms-key",
          AWS_ACCESS_KEY_ID: credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
          AWS_SESSION_TOKEN: credentials.sessionToken,
          AWS_REGION: "us-east-1",
        },
      },
    );
    client = new Anthropic({ baseURL: gateway.url, apiKey: "unused", maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway.close();
    await Promise.all([gemini.close(), bedrock.close(), mistral.close()]);
  });

  for (const model of ["gemini", "bedrock", "mistral"]) {
    describe(`with ${model}`, () => {
      it("answers a plain message", async () => {
        const message = await client.messages.create({ model, max_tokens: 100, system: "be brief", messages: [{ role: "user", content: "hello" }] });
        // The Gemini emulator echoes the system instruction it received in brackets.
        expect(message.content).toEqual([{ type: "text", text: model === "gemini" ? "[be brief] You said: hello" : "You said: hello" }]);
        expect(message.stop_reason).toBe("end_turn");
        expect(message.usage.output_tokens).toBeGreaterThan(0);
      });

      it("streams text into a final message", async () => {
        const final = await client.messages.stream({ model, max_tokens: 100, messages: [{ role: "user", content: "stream me a story" }] }).finalMessage();
        expect(final.content).toEqual([{ type: "text", text: "You said: stream me a story" }]);
      });

      it("streams several tool calls in one turn with their arguments intact", async () => {
        const final = await client.messages.stream({ model, max_tokens: 100, tools, messages: [{ role: "user", content: "use all tools" }] }).finalMessage();
        expect(final.stop_reason).toBe("tool_use");
        const calls = final.content.filter((block) => block.type === "tool_use");
        expect(calls.map((block) => [block.name, block.input])).toEqual([
          ["get_weather", { city: "Paris" }],
          ["get_time", { zone: "example zone" }],
        ]);
      });

      it("passes a base64 image", async () => {
        const message = await client.messages.create({
          model,
          max_tokens: 100,
          messages: [{ role: "user", content: [{ type: "text", text: "what is this" }, { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } }] }],
        });
        expect(message.content).toEqual([{ type: "text", text: expect.stringMatching(/^You said: what is this\s*\(with 1 image\)$/) }]);
      });
    });
  }
});
