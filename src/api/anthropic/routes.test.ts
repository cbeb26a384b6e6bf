import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../app.js";
import { createLogger } from "../../observability/logger.js";

// Every malformed request to the Anthropic edge gets a 4xx in Anthropic's error shape, never a 500.
describe("Anthropic edge: malformed requests", () => {
  let app: App;
  const headers = { "content-type": "application/json", "x-api-key": "master-secret", "anthropic-version": "2023-06-01" };

  beforeAll(async () => {
    app = await createApp({
      logger: createLogger("silent"),
      env: { SWITCHYARD_MASTER_KEY: "master-secret" },
      config: {
        server: { body_limit: 4096 },
        providers: { up: { type: "anthropic", base_url: "http://127.0.0.1:9", api_key: "none" } },
        models: { m: { routes: [{ provider: "up", model: "x" }] } },
      },
    });
  });
  afterAll(() => app.close());

  const post = (payload: string, url = "/v1/messages", extra: Record<string, string> = {}) =>
    app.server.inject({ method: "POST", url, headers: { ...headers, ...extra }, payload });

  const valid = { model: "m", max_tokens: 10, messages: [{ role: "user", content: "hi" }] };

  const cases: Array<[string, string, number, string, RegExp]> = [
    ["broken JSON", "{not json", 400, "invalid_request_error", /not valid JSON/],
    ["missing max_tokens", JSON.stringify({ model: "m", messages: valid.messages }), 400, "invalid_request_error", /max_tokens/],
    ["empty messages", JSON.stringify({ ...valid, messages: [] }), 400, "invalid_request_error", /messages/],
    ["a system role inside messages", JSON.stringify({ ...valid, messages: [{ role: "system", content: "x" }] }), 400, "invalid_request_error", /messages\[0\]\.role/],
    ["temperature above 1", JSON.stringify({ ...valid, temperature: 1.5 }), 400, "invalid_request_error", /temperature/],
    ["an unknown content block", JSON.stringify({ ...valid, messages: [{ role: "user", content: [{ type: "video", url: "x" }] }] }), 400, "invalid_request_error", /messages\[0\]\.content/],
    [
      "an image URL that is not http(s)",
      JSON.stringify({ ...valid, messages: [{ role: "user", content: [{ type: "image", source: { type: "url", url: "ftp://x" } }] }] }),
      400,
      "invalid_request_error",
      /source\.url/,
    ],
    ["a server tool", JSON.stringify({ ...valid, tools: [{ type: "web_search_20250305", name: "web_search" }] }), 400, "invalid_request_error", /tools\[0\]/],
    ["a bad tool_choice", JSON.stringify({ ...valid, tool_choice: { type: "sometimes" } }), 400, "invalid_request_error", /tool_choice/],
    ["an unknown model", JSON.stringify({ ...valid, model: "ghost" }), 404, "not_found_error", /ghost/],
    ["an oversized body", JSON.stringify({ ...valid, messages: [{ role: "user", content: "x".repeat(8000) }] }), 413, "request_too_large", /larger/],
  ];

  for (const [name, payload, status, type, message] of cases) {
    it(`rejects ${name} with ${status} ${type}`, async () => {
      const response = await post(payload);
      expect(response.statusCode).toBe(status);
      const body = response.json();
      expect(body.type).toBe("error");
      expect(body.error.type).toBe(type);
      expect(body.error.message).toMatch(message);
    });
  }

  it("rejects a missing or wrong key with authentication_error", async () => {
    const response = await post(JSON.stringify(valid), "/v1/messages", { "x-api-key": "wrong" });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });
  });

  it("validates count_tokens and refuses unknown models there too", async () => {
    const missing = await post(JSON.stringify({ model: "m" }), "/v1/messages/count_tokens");
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.type).toBe("invalid_request_error");
    const unknown = await post(JSON.stringify({ model: "ghost", messages: valid.messages }), "/v1/messages/count_tokens");
    expect(unknown.statusCode).toBe(404);
    const counted = await post(JSON.stringify({ model: "m", messages: valid.messages }), "/v1/messages/count_tokens");
    expect(counted.statusCode).toBe(200);
    expect(counted.json().input_tokens).toBeGreaterThan(0);
  });

  it("answers an unreachable upstream with an Anthropic-style 503, not a 500", async () => {
    const response = await post(JSON.stringify(valid));
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ type: "error", error: { type: "overloaded_error" } });
  });
});
