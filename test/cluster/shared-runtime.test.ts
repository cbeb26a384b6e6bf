/**
 * Two gateways on one PostgreSQL: a stored credential changed through one node, a model added
 * through the admin API of one node, and a router file stored through one node take effect on the
 * other within 2 s (the reconcile timer is off, so the change bus carried them).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretCipher } from "../../src/control/credentials/cipher.js";
import { trainRouter } from "../../src/routing/auto/train.js";
import { syntheticRows } from "../routing/synthetic-data.js";
import { CredentialStore } from "../../src/control/credentials/credential-store.js";
import { openDatabase } from "../../src/storage/index.js";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";
import { waitFor } from "../helpers/wait.js";
import { startPostgres, type PostgresServer } from "../helpers/postgres.js";

const MASTER = "shared-runtime-master";

describe("providers, models and credentials shared by two nodes", () => {
  let postgres: PostgresServer;
  let emulator: OpenaiEmulator;
  const nodes: RunningGateway[] = [];

  const call = async (node: RunningGateway, method: "GET" | "PUT" | "POST" | "DELETE", url: string, payload?: Record<string, unknown>) => {
    const response = await node.server.inject({ method, url, headers: { authorization: `Bearer ${MASTER}` }, ...(payload ? { payload } : {}) });
    return { status: response.statusCode, json: response.json() as Record<string, any> };
  };
  const chat = (node: RunningGateway, model: string) => call(node, "POST", "/v1/chat/completions", { model, messages: [{ role: "user", content: "hi" }] });

  beforeAll(async () => {
    [postgres, emulator] = await Promise.all([startPostgres(), startOpenaiEmulator({ apiKey: "key-two" })]);
    const databaseUrl = await postgres.createDatabase();
    // The provider's key is a stored credential; it exists before the nodes start, with a value the upstream refuses.
    const storage = await openDatabase({ url: databaseUrl });
    await new CredentialStore(storage.db, new SecretCipher(MASTER)).put("UPSTREAM_KEY", "up", "key-one");
    await storage.close();
    const config = {
      providers: { up: { type: "openai", base_url: emulator.baseURL, api_key: "env:UPSTREAM_KEY" } },
      models: { "gpt-4o": { routes: [{ provider: "up", model: "gpt-4o" }] } },
      cluster: { reconcile_ms: 0 },
    };
    const env = { DATABASE_URL: databaseUrl, SWITCHYARD_MASTER_KEY: MASTER };
    nodes.push(await startGateway(config, { env }));
    nodes.push(await startGateway(config, { env }));
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled(nodes.map((node) => node.close()));
    await Promise.allSettled([postgres?.stop(), emulator?.close()]);
  });

  it("uses a credential changed through node 1 on node 2 within 2 s", async () => {
    const [one, two] = nodes as [RunningGateway, RunningGateway];
    const refused = await chat(two, "gpt-4o");
    expect(refused.status).toBe(502);
    expect(refused.json.error.code).toBe("SWY_ERR_UPSTREAM_AUTH");
    const put = await call(one, "PUT", "/admin/credentials/UPSTREAM_KEY", { provider: "up", value: "key-two" });
    expect(put.status).toBe(200);
    await waitFor(async () => ((await chat(two, "gpt-4o")).status === 200 ? true : undefined), 2000, "node 2 to use the new key", 20);
    expect(emulator.requests.at(-1)!.headers.authorization).toBe("Bearer key-two");
    // And node 1 itself, which stored it.
    expect((await chat(one, "gpt-4o")).status).toBe(200);
  });

  it("serves on node 2 within 2 s a model added through node 1's admin API", async () => {
    const [one, two] = nodes as [RunningGateway, RunningGateway];
    expect((await chat(two, "fast")).status).toBe(404);
    const put = await call(one, "PUT", "/admin/models/fast", { routes: [{ provider: "up", model: "gpt-4o-mini" }] });
    expect(put.status, JSON.stringify(put.json)).toBe(200);
    const answered = await waitFor(async () => {
      const response = await chat(two, "fast");
      return response.status === 200 ? response : undefined;
    }, 2000, "the model on node 2", 20);
    expect(answered.json.model).toBe("fast");
    expect((emulator.requests.at(-1)!.body as { model: string }).model).toBe("gpt-4o-mini");
  });

  it("routes on node 2 with a router file stored through node 1, and follows when it is replaced", async () => {
    const [one, two] = nodes as [RunningGateway, RunningGateway];
    const rows = syntheticRows(240, 21);
    const mostlyWeak = trainRouter(rows, { strong: "strong", weak: "weak", targetStrong: 0.02, folds: 3 }).file;
    const mostlyStrong = trainRouter(rows, { strong: "strong", weak: "weak", targetStrong: 0.98, folds: 3 }).file;
    const invalid = await call(one, "PUT", "/admin/routers/triage", { version: 99 });
    expect(invalid.status).toBe(400);

    expect((await call(one, "PUT", "/admin/routers/triage", mostlyWeak)).status).toBe(200);
    const model = await call(one, "PUT", "/admin/models/smart", { type: "auto", auto: { router: "stored:triage", strong: "up/strong-model", weak: "up/weak-model" } });
    expect(model.status, JSON.stringify(model.json)).toBe(200);
    const prompt = "Gus has 734 marbles, sells 35% of them, then buys 62 more and then gives away a third. How many are left?";
    const upstreamModel = async (node: RunningGateway) => {
      const response = await call(node, "POST", "/v1/chat/completions", { model: "smart", messages: [{ role: "user", content: prompt }] });
      return response.status === 200 ? (emulator.requests.at(-1)!.body as { model: string }).model : undefined;
    };
    expect(await waitFor(() => upstreamModel(two), 2000, "the auto model on node 2", 20)).toBe("weak-model");

    // The same name, a new file: node 2 routes with the new one within 2 s.
    expect((await call(one, "PUT", "/admin/routers/triage", mostlyStrong)).status).toBe(200);
    await waitFor(async () => ((await upstreamModel(two)) === "strong-model" ? true : undefined), 2000, "node 2 to use the replaced router", 20);
    expect((await call(two, "GET", "/admin/routers")).json.data).toEqual([{ object: "router", name: "triage", reference: "stored:triage" }]);

    // In use: refused with a reason; nothing removed.
    const refused = await call(two, "DELETE", "/admin/routers/triage");
    expect(refused.status).toBe(409);
  });
});
