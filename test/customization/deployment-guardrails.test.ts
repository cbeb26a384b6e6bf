import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";

const MASTER = "sk-master-test";
const auth = { authorization: `Bearer ${MASTER}` };

describe("deployments: guardrail policy per deployment, and names for embeddings", () => {
  let upstream: OpenaiEmulator;
  let app: RunningGateway;
  const post = (url: string, payload: Record<string, unknown>) => app.server.inject({ method: "POST", url, headers: auth, payload });
  const ask = (model: string) => post("/v1/chat/completions", { model, messages: [{ role: "user", content: "Write to jane.doe@example.com please" }] });

  beforeAll(async () => {
    upstream = await startOpenaiEmulator();
    app = await startGateway(
      {
        server: { log_level: "silent" },
        providers: { up: { type: "openai", base_url: upstream.baseURL, api_key: "none" } },
        models: {
          "gpt-4o": { routes: [{ provider: "up", model: "gpt-4o" }] },
          embedder: { routes: [{ provider: "up", model: "text-embedding-3-small" }] },
        },
        guardrails: {},
        deployments: {
          "strict-bot": { model: "gpt-4o", guardrails: { input: { email: "block" } } },
          "doc-vectors": { model: "embedder" },
        },
      },
      { env: { SWITCHYARD_MASTER_KEY: MASTER } },
    );
  });
  afterAll(async () => {
    await app?.close();
    await upstream?.close();
  });

  it("blocks an email for a deployment whose policy says block; the base model only masks it", async () => {
    const blocked = await ask("strict-bot");
    expect(blocked.statusCode).toBe(400);
    expect(blocked.json().error.message).toMatch(/email/);
    const before = upstream.requests.length;
    const masked = await ask("gpt-4o");
    expect(masked.statusCode).toBe(200);
    expect(upstream.requests.length).toBe(before + 1);
    expect(JSON.stringify(upstream.requests.at(-1))).not.toContain("jane.doe@example.com");
  });

  it("takes a deployment's policy from the admin API, and rejects an unknown action", async () => {
    const created = await app.server.inject({
      method: "PUT",
      url: "/admin/deployments/lenient-bot",
      headers: auth,
      payload: { model: "gpt-4o", guardrails: { input: { email: "allow" } } },
    });
    expect(created.statusCode).toBeLessThan(300);
    expect((await ask("lenient-bot")).statusCode).toBe(200);
    expect(JSON.stringify(upstream.requests.at(-1))).toContain("jane.doe@example.com");
    const bad = await app.server.inject({
      method: "PUT",
      url: "/admin/deployments/broken-bot",
      headers: auth,
      payload: { model: "gpt-4o", guardrails: { input: { email: "shred" } } },
    });
    expect(bad.statusCode).toBe(400);
  });

  it("answers embeddings for a deployment name with its model", async () => {
    const response = await post("/v1/embeddings", { model: "doc-vectors", input: "hello" });
    expect(response.statusCode).toBe(200);
    expect(response.json().model).toBe("doc-vectors");
    expect(upstream.requests.at(-1)?.body).toMatchObject({ model: "text-embedding-3-small" });
  });
});
