import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { createLogger } from "../../src/observability/logger.js";

// Every malformed request gets a 4xx in OpenAI's error shape naming the problem, never a 500.
describe("malformed requests", () => {
  let app: App;
  const headers = { "content-type": "application/json", authorization: "Bearer master-secret" };

  beforeAll(async () => {
    app = await createApp({
      logger: createLogger("silent"),
      env: { SWITCHYARD_MASTER_KEY: "master-secret" },
      config: {
        server: { body_limit: 4096 },
        providers: { up: { type: "openai", base_url: "http://127.0.0.1:9/v1", api_key: "none" } },
        models: { m: { routes: [{ provider: "up", model: "x" }] } },
      },
    });
  });
  afterAll(() => app.close());

  const post = (payload: string, extra: Record<string, string> = {}) =>
    app.server.inject({ method: "POST", url: "/v1/chat/completions", headers: { ...headers, ...extra }, payload });

  const valid = { model: "m", messages: [{ role: "user", content: "hi" }] };

  const cases: Array<[string, string, number, string, string | null]> = [
    ["broken JSON", "{not json", 400, "SWY_ERR_INVALID_JSON", null],
    ["a JSON array body", "[1,2]", 400, "SWY_ERR_INVALID_REQUEST", null],
    ["missing model", JSON.stringify({ messages: valid.messages }), 400, "SWY_ERR_INVALID_REQUEST", "model"],
    ["messages of the wrong type", JSON.stringify({ model: "m", messages: "hi" }), 400, "SWY_ERR_INVALID_REQUEST", "messages"],
    ["empty messages", JSON.stringify({ model: "m", messages: [] }), 400, "SWY_ERR_INVALID_REQUEST", "messages"],
    ["an unknown role", JSON.stringify({ model: "m", messages: [{ role: "robot", content: "x" }] }), 400, "SWY_ERR_INVALID_REQUEST", "messages[0].role"],
    ["temperature out of range", JSON.stringify({ ...valid, temperature: 7 }), 400, "SWY_ERR_INVALID_REQUEST", "temperature"],
    ["max_tokens not an integer", JSON.stringify({ ...valid, max_tokens: "many" }), 400, "SWY_ERR_INVALID_REQUEST", "max_tokens"],
    ["n greater than one", JSON.stringify({ ...valid, n: 3 }), 400, "SWY_ERR_INVALID_REQUEST", "n"],
    ["a bad tool name", JSON.stringify({ ...valid, tools: [{ type: "function", function: { name: "has spaces" } }] }), 400, "SWY_ERR_INVALID_REQUEST", "tools[0].function.name"],
    [
      "an image that is not a URL",
      JSON.stringify({ model: "m", messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "ftp://x" } }] }] }),
      400,
      "SWY_ERR_INVALID_REQUEST",
      "messages[0].content[0].image_url.url",
    ],
    ["an unknown model", JSON.stringify({ ...valid, model: "ghost" }), 404, "SWY_ERR_MODEL_NOT_FOUND", "model"],
    ["an unknown provider in the shorthand", JSON.stringify({ ...valid, model: "ghost/x" }), 404, "SWY_ERR_MODEL_NOT_FOUND", "model"],
    ["an oversized body", JSON.stringify({ ...valid, messages: [{ role: "user", content: "x".repeat(8000) }] }), 413, "SWY_ERR_PAYLOAD_TOO_LARGE", null],
  ];

  for (const [name, payload, status, code, param] of cases) {
    it(`rejects ${name} with ${status}`, async () => {
      const response = await post(payload);
      expect(response.statusCode).toBe(status);
      const body = response.json();
      expect(body.error.code).toBe(code);
      expect(body.error.param).toBe(param);
      expect(typeof body.error.message).toBe("string");
      expect(body.error.type).toBeTypeOf("string");
    });
  }

  it("rejects a non-JSON content type with 415", async () => {
    const response = await post("hello", { "content-type": "text/plain" });
    expect(response.statusCode).toBe(415);
    expect(response.json().error.code).toBe("SWY_ERR_UNSUPPORTED_MEDIA_TYPE");
  });

  it("requires the master key when one is set", async () => {
    const missing = await app.server.inject({ method: "POST", url: "/v1/chat/completions", headers: { "content-type": "application/json" }, payload: JSON.stringify(valid) });
    expect(missing.statusCode).toBe(401);
    expect(missing.json().error.type).toBe("authentication_error");
    const wrong = await post(JSON.stringify(valid), { authorization: "Bearer nope" });
    expect(wrong.statusCode).toBe(401);
    const viaApiKey = await app.server.inject({ method: "GET", url: "/v1/models", headers: { "x-api-key": "master-secret" } });
    expect(viaApiKey.statusCode).toBe(200);
  });

  it("answers an unreachable upstream with 503, not 500", async () => {
    const response = await post(JSON.stringify(valid));
    expect(response.statusCode).toBe(503);
    expect(response.json().error.code).toBe("SWY_ERR_UPSTREAM_UNAVAILABLE");
  });

  it("answers unknown paths with 404 in the API's format", async () => {
    const response = await app.server.inject({ method: "GET", url: "/v1/nothing", headers });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe("SWY_ERR_NOT_FOUND");
  });

  it("health needs no key", async () => {
    const response = await app.server.inject({ method: "GET", url: "/health" });
    expect(response.json()).toEqual({ status: "ok" });
  });
});
