import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "../../emulators/openai/server.js";
import { startGateway, type RunningGateway } from "../../helpers/gateway.js";

describe("provider timeout_ms", () => {
  let slow: OpenaiEmulator;
  let healthy: OpenaiEmulator;
  let gateway: RunningGateway;

  beforeAll(async () => {
    slow = await startOpenaiEmulator();
    healthy = await startOpenaiEmulator();
    gateway = await startGateway({
      providers: {
        slow: { type: "openai", base_url: slow.baseURL, api_key: "none", timeout_ms: 300 },
        healthy: { type: "openai", base_url: healthy.baseURL, api_key: "none" },
      },
      models: { m: { routes: [{ provider: "slow", model: "a" }, { provider: "healthy", model: "b" }] }, lone: { routes: [{ provider: "slow", model: "a" }] } },
    });
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all([slow.close(), healthy.close()]);
  });

  const ask = (model: string) =>
    fetch(`${gateway.baseURL}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "hello" }] }),
    });

  it("gives up on an upstream that sends no headers in time and falls back", async () => {
    slow.faults.push({ kind: "stall", ms: 3000 });
    const response = await ask("m");
    expect(response.status).toBe(200);
    expect(response.headers.get("x-switchyard-provider")).toBe("healthy");
  });

  it("answers 504 when no route is left", async () => {
    slow.faults.push({ kind: "stall", ms: 3000 });
    const response = await ask("lone");
    expect(response.status).toBe(504);
    const body = (await response.json()) as { error: { code: string } };
    expect(body.error.code).toBe("SWY_ERR_UPSTREAM_TIMEOUT");
  });
});
