import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway } from "../helpers/gateway.js";
import { MASTER, startControlFixture, type ControlFixture } from "./control-fixture.js";
import { createKey } from "./limits-scenarios.js";

describe("key lifecycle", () => {
  let fx: ControlFixture;

  beforeAll(async () => {
    fx = await startControlFixture();
  });
  afterAll(async () => {
    await fx?.close();
  });

  it("refuses an expired key", async () => {
    const key = await createKey(fx.admin, "expiring", { expires_at: "2020-01-01T00:00:00Z" });
    const response = await fx.chat(key.secret);
    expect(response.status).toBe(401);
    expect(response.json.error.message).toContain("expired");
  });

  it("limits requests in flight per key", async () => {
    const key = await createKey(fx.admin, "parallel", { max_parallel: 1 });
    fx.emulator.options.latencyMs = 300;
    try {
      const statuses = (await Promise.all([fx.chat(key.secret), fx.chat(key.secret), fx.chat(key.secret)])).map((response) => response.status);
      expect(statuses.filter((status) => status === 200)).toHaveLength(1);
      expect(statuses.filter((status) => status === 429)).toHaveLength(2);
    } finally {
      fx.emulator.options.latencyMs = 0;
    }
    // Settled: the slot is free again.
    expect((await fx.chat(key.secret)).status).toBe(200);
  });

  it("updates limits and metadata with PATCH, null clearing a limit", async () => {
    const key = await createKey(fx.admin, "patching", { rpm: 1 });
    expect((await fx.chat(key.secret)).status).toBe(200);
    expect((await fx.chat(key.secret)).status).toBe(429);
    const patched = await fx.admin("PATCH", `/admin/keys/${key.keyId}`, { rpm: null, tags: ["x"], budgets: { weekly_usd: 5 } });
    expect(patched.json).toMatchObject({ rpm: null, tags: ["x"], budgets: { weekly_usd: 5, daily_usd: null } });
    expect((await fx.chat(key.secret)).status).toBe(200);
    const project = await fx.admin("PATCH", `/admin/projects/${key.projectId}`, { name: "patched-name", budgets: { daily_usd: 2 } });
    expect(project.json).toMatchObject({ name: "patched-name", budgets: { daily_usd: 2 } });
    expect((await fx.admin("DELETE", `/admin/projects/${key.projectId}`)).status).toBe(200);
    expect((await fx.chat(key.secret)).status).toBe(401);
  });
});

describe("stored provider credentials", () => {
  let upstream: OpenaiEmulator;
  let fx: ControlFixture;

  beforeAll(async () => {
    upstream = await startOpenaiEmulator({ apiKey: "sk-upstream-secret" });
    fx = await startControlFixture();
  });
  afterAll(async () => {
    await fx?.close();
    await upstream?.close();
  });

  it("answer env:NAME references in provider config at start-up", async () => {
    await fx.admin("PUT", "/admin/credentials/UPSTREAM_KEY", { provider: "openai", value: "sk-upstream-secret" });
    const config = {
      server: { data_dir: fx.dataDir },
      providers: { vault: { type: "openai", base_url: upstream.baseURL, api_key: "env:UPSTREAM_KEY" } },
      models: { vaulted: { routes: [{ provider: "vault", model: "gpt-4o" }] } },
    };
    const second = await startGateway(config, { env: { SWITCHYARD_MASTER_KEY: MASTER } });
    try {
      const response = await second.server.inject({
        method: "POST",
        url: "/v1/chat/completions",
        headers: { authorization: `Bearer ${MASTER}` },
        payload: { model: "vaulted", messages: [{ role: "user", content: "hi" }] },
      });
      expect(response.statusCode).toBe(200);
      expect(upstream.requests.at(-1)?.headers.authorization).toBe("Bearer sk-upstream-secret");
    } finally {
      await second.close();
    }
  });
});
