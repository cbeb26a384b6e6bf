import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";

const MASTER = "sk-master-test";
const auth = { authorization: `Bearer ${MASTER}` };

describe("named deployments", () => {
  let dataDir: string;
  let upstream: OpenaiEmulator;
  let app: App;

  const start = async () => {
    app = await createApp({
      env: { ...process.env, SWITCHYARD_MASTER_KEY: MASTER },
      config: {
        server: { data_dir: dataDir, log_level: "silent" },
        providers: { openai: { type: "openai", base_url: upstream.baseURL, api_key: "none" } },
        deployments: {
          "support-bot": {
            model: "openai/gpt-4o-mini",
            system_prompt: "You help {{company}} customers in {{language}}.",
            variables: { company: "Acme", language: "English" },
            parameters: { temperature: 0.1, max_tokens: 50 },
          },
        },
      },
    });
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "swy-deploy-"));
    upstream = await startOpenaiEmulator();
    await start();
  });

  afterAll(async () => {
    await app?.close();
    await upstream?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const chat = (model: string, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}) =>
    app.server.inject({ method: "POST", url: "/v1/chat/completions", headers: { ...auth, ...headers }, payload: { model, messages: [{ role: "user", content: "hi" }], ...extra } });
  const lastUpstream = () => upstream.requests.at(-1)!.body as { model: string; temperature?: number; max_tokens?: number; max_completion_tokens?: number; messages: Array<{ role: string; content: unknown }> };

  it("turns a call to the name into the model with its prompt, variables and defaults", async () => {
    const response = await chat("support-bot");
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers["x-switchyard-deployment"]).toBe("support-bot@v1");
    const sent = lastUpstream();
    expect(sent.model).toBe("gpt-4o-mini");
    expect(sent.temperature).toBe(0.1);
    expect(JSON.stringify(sent.messages[0])).toContain("You help Acme customers in English.");

    await chat("support-bot", { "x-switchyard-variables": JSON.stringify({ language: "French" }) }, { temperature: 0.9 });
    expect(JSON.stringify(lastUpstream().messages[0])).toContain("in French.");
    expect(lastUpstream().temperature).toBe(0.9);
    const models = (await app.server.inject({ method: "GET", url: "/v1/models", headers: auth })).json() as { data: Array<{ id: string }> };
    expect(models.data.map((model) => model.id)).toContain("support-bot");
  });

  it("versions updates, splits traffic across A/B variants by weight, and rolls back", async () => {
    const put = await app.server.inject({
      method: "PUT",
      url: "/admin/deployments/support-bot",
      headers: auth,
      payload: { variants: [{ name: "a", model: "openai/model-a", weight: 1 }, { name: "b", model: "openai/model-b", weight: 1, system_prompt: "Be brief." }] },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ version: 2 });
    const seen = new Set<string>();
    for (let index = 0; index < 40; index++) {
      const response = await chat("support-bot", {}, { user: `user-${index}` });
      seen.add(String(response.headers["x-switchyard-deployment"]));
    }
    expect(seen).toEqual(new Set(["support-bot@v2:a", "support-bot@v2:b"]));
    // The same user always gets the same variant.
    const first = (await chat("support-bot", {}, { user: "sticky" })).headers["x-switchyard-deployment"];
    for (let index = 0; index < 5; index++) expect((await chat("support-bot", {}, { user: "sticky" })).headers["x-switchyard-deployment"]).toBe(first);

    const rolled = await app.server.inject({ method: "POST", url: "/admin/deployments/support-bot/rollback", headers: auth, payload: {} });
    expect(rolled.json()).toMatchObject({ version: 1 });
    expect((await chat("support-bot")).headers["x-switchyard-deployment"]).toBe("support-bot@v1");
    const detail = (await app.server.inject({ method: "GET", url: "/admin/deployments/support-bot", headers: auth })).json() as { versions: unknown[] };
    expect(detail.versions).toHaveLength(2);

    // The active version survives a restart.
    await app.close();
    await start();
    expect((await chat("support-bot")).headers["x-switchyard-deployment"]).toBe("support-bot@v1");
  });

  it("rejects bad specs, missing variables and non-master callers with clear 4xx errors", async () => {
    const bad = await app.server.inject({ method: "PUT", url: "/admin/deployments/x", headers: auth, payload: { model: "a", variants: [{ name: "v", model: "b" }] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/either `model` or `variants`/);
    await app.server.inject({ method: "PUT", url: "/admin/deployments/needs-var", headers: auth, payload: { model: "openai/gpt-4o-mini", system_prompt: "Hi {{name}}" } });
    const missing = await chat("needs-var");
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.message).toMatch(/variable 'name'/);
    const badHeader = await chat("needs-var", { "x-switchyard-variables": "nope" });
    expect(badHeader.statusCode).toBe(400);
    expect((await app.server.inject({ method: "POST", url: "/admin/deployments/needs-var/rollback", headers: auth, payload: {} })).statusCode).toBe(400);
    expect((await app.server.inject({ method: "DELETE", url: "/admin/deployments/needs-var", headers: auth })).statusCode).toBe(200);
    expect((await app.server.inject({ method: "GET", url: "/admin/deployments/needs-var", headers: auth })).statusCode).toBe(404);
    expect((await app.server.inject({ method: "GET", url: "/admin/deployments", headers: { authorization: "Bearer wrong" } })).statusCode).toBe(401);
  });
});
