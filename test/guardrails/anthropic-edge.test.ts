import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { createLogger } from "../../src/observability/logger.js";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";

describe("guardrails on the Anthropic edge and without a guardrails section", () => {
  let upstream: OpenaiEmulator;
  let guarded: App;
  let plain: App;
  const config = (extra: Record<string, unknown>) => ({
    providers: { up: { type: "openai", base_url: "", api_key: "none" } },
    models: { gpt: { routes: [{ provider: "up", model: "gpt-test" }] } },
    database: { url: ":memory:" },
    ...extra,
  });

  beforeAll(async () => {
    upstream = await startOpenaiEmulator();
    const withUpstream = (extra: Record<string, unknown>) => {
      const value = config(extra);
      value.providers.up.base_url = upstream.baseURL;
      return value;
    };
    guarded = await createApp({ config: withUpstream({ guardrails: { input: { us_ssn: "block" } } }), logger: createLogger("silent"), env: {} });
    plain = await createApp({ config: withUpstream({}), logger: createLogger("silent"), env: {} });
  });

  afterAll(async () => {
    await Promise.all([guarded?.close(), plain?.close()]);
    await upstream?.close();
  });

  it("answers a blocked /v1/messages request with an Anthropic-style 400", async () => {
    const response = await guarded.server.inject({
      method: "POST",
      url: "/v1/messages",
      payload: { model: "gpt", max_tokens: 50, messages: [{ role: "user", content: "my SSN is 536-22-1234" }] },
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers["x-switchyard-error-code"]).toBe("SWY_ERR_GUARDRAIL_BLOCKED");
    const body = response.json();
    expect(body.type).toBe("error");
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toContain("us_ssn");
    expect(response.body).not.toContain("536-22-1234");
  });

  it("masks on /v1/messages and restores in the Anthropic-format answer", async () => {
    const response = await guarded.server.inject({
      method: "POST",
      url: "/v1/messages",
      payload: { model: "gpt", max_tokens: 50, messages: [{ role: "user", content: "mail bob@example.com" }] },
    });
    expect(response.statusCode).toBe(200);
    expect(JSON.stringify(upstream.requests.at(-1)!.body)).not.toContain("bob@example.com");
    expect(response.json().content[0].text).toBe("You said: mail [EMAIL_1]".replace("[EMAIL_1]", "bob@example.com"));
    expect(response.headers["x-switchyard-guardrails-masked"]).toBe("1");
  });

  it("changes nothing when the config has no guardrails section", async () => {
    const response = await plain.server.inject({
      method: "POST",
      url: "/v1/chat/completions",
      payload: { model: "gpt", messages: [{ role: "user", content: "my SSN is 536-22-1234, mail bob@example.com" }] },
    });
    expect(response.statusCode).toBe(200);
    expect(JSON.stringify(upstream.requests.at(-1)!.body)).toContain("bob@example.com");
    expect(response.headers["x-switchyard-guardrails-masked"]).toBeUndefined();
    expect(plain.guardrails).toBeUndefined();
    expect(plain.server.hasRoute({ method: "GET", url: "/admin/guardrails/audit" })).toBe(false);
  });

  it("rejects a guardrails policy for a provider that is not configured", async () => {
    const invalid = config({ guardrails: { providers: { nope: { exempt: true } } } });
    invalid.providers.up.base_url = upstream.baseURL;
    const failure = await createApp({
      config: invalid,
      logger: createLogger("silent"),
      env: {},
    }).catch((error: unknown) => error);
    expect(String((failure as Error).message)).toContain('guardrails.providers.nope: no provider named "nope"');
  });
});
