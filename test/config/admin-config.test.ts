import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";
import { startPostgres, type PostgresServer } from "../helpers/postgres.js";

const MASTER = "admin-config-master";
const UPSTREAM_KEY = "sk-upstream-secret-value";

let postgres: PostgresServer;
let emulator: OpenaiEmulator;

beforeAll(async () => {
  postgres = await startPostgres();
  emulator = await startOpenaiEmulator({ apiKey: UPSTREAM_KEY });
}, 60_000);

afterAll(async () => {
  await emulator?.close();
  await postgres?.stop();
});

describe.each([
  ["sqlite", async () => undefined],
  ["postgres", async () => postgres.createDatabase()],
])("providers and models through the admin API on %s", (_dialect, databaseUrl) => {
  let dir: string;
  let config: Record<string, unknown>;
  let gateway: RunningGateway;

  const call = async (method: string, path: string, body?: unknown, key = MASTER) => {
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const client = () => new OpenAI({ baseURL: gateway.baseURL, apiKey: MASTER, maxRetries: 0 });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "swy-admin-config-"));
    const url = await databaseUrl();
    config = {
      server: { data_dir: dir },
      ...(url ? { database: { url } } : {}),
      providers: { file: { type: "openai", base_url: emulator.baseURL, api_key: "env:FILE_KEY" } },
      models: { "from-file": { routes: [{ provider: "file", model: "gpt-4o-mini" }] } },
    };
    gateway = await startGateway(config, { env: { SWITCHYARD_MASTER_KEY: MASTER, FILE_KEY: UPSTREAM_KEY } });
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses literal secrets, unknown types and invalid fields with a 400 naming them", async () => {
    const literal = await call("PUT", "/admin/providers/added", { type: "openai", base_url: emulator.baseURL, api_key: UPSTREAM_KEY });
    expect(literal.status).toBe(400);
    expect(literal.body.error.message).toContain("env:NAME");
    expect(JSON.stringify(literal.body)).not.toContain(UPSTREAM_KEY);

    const unknownType = await call("PUT", "/admin/providers/added", { type: "openia" });
    expect(unknownType.status).toBe(400);
    expect(unknownType.body.error.param).toBe("type");

    const badField = await call("PUT", "/admin/providers/added", { type: "openai", base_url: "not a url" });
    expect(badField.status).toBe(400);
    expect(badField.body.error.param).toBe("base_url");

    const badModel = await call("PUT", "/admin/models/m", { routes: [] });
    expect(badModel.status).toBe(400);
    expect(badModel.body.error.param).toBe("routes");

    expect((await call("GET", "/admin/providers/added")).status).toBe(404);
  });

  it("adds a provider whose key is a stored credential, and a model that answers at once", async () => {
    expect((await call("PUT", "/admin/credentials/ADDED_KEY", { provider: "openai", value: UPSTREAM_KEY })).status).toBe(200);
    const provider = await call("PUT", "/admin/providers/added", {
      type: "openai",
      base_url: emulator.baseURL,
      api_key: "env:ADDED_KEY",
      headers: { "x-team": "alpha" },
    });
    expect(provider.status).toBe(200);
    expect(provider.body).toMatchObject({ object: "provider", name: "added", type: "openai", source: "admin", overrides_file: false });
    expect(provider.body.config.api_key).toBe("env:ADDED_KEY");
    expect(provider.body.config.headers).toEqual({ "x-team": "[redacted]" });

    const model = await call("PUT", "/admin/models/added-model", { routes: [{ provider: "added", model: "gpt-4o" }] });
    expect(model.status).toBe(200);
    expect(model.body).toMatchObject({ object: "model_config", name: "added-model", source: "admin" });

    const answer = await client().chat.completions.create({ model: "added-model", messages: [{ role: "user", content: "hi" }] });
    expect(answer.choices[0]?.message.content).toBeTruthy();
    const seen = emulator.requests.at(-1)!;
    expect(seen.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(seen.headers["x-team"]).toBe("alpha");

    const listed = await call("GET", "/admin/providers");
    expect(listed.body.data.map((entry: { name: string; source: string }) => `${entry.name}:${entry.source}`)).toEqual(["file:file", "added:admin"]);
    expect(JSON.stringify(listed.body)).not.toContain(UPSTREAM_KEY);
  });

  it("refuses a model whose route names no provider, and stores nothing", async () => {
    const refused = await call("PUT", "/admin/models/orphan", { routes: [{ provider: "nowhere", model: "x" }] });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('models.orphan.routes[0].provider: no provider named "nowhere"');
    expect((await call("GET", "/admin/models/orphan")).status).toBe(404);
    expect(await gateway.reloader.fileConfig.models).not.toHaveProperty("orphan");
    const rows = await gateway.control.storage.db.selectFrom("config_entries").select("name").where("kind", "=", "model").execute();
    expect(rows.map((row) => row.name)).toEqual(["added-model"]);
  });

  it("changes a provider in place, and overrides then restores a file entry", async () => {
    const changed = await call("PUT", "/admin/providers/added", { type: "openai", base_url: emulator.baseURL, api_key: "env:ADDED_KEY", timeout_ms: 30_000 });
    expect(changed.body.config.timeout_ms).toBe(30_000);

    const override = await call("PUT", "/admin/models/from-file", { routes: [{ provider: "added", model: "gpt-4o-override" }] });
    expect(override.body).toMatchObject({ source: "admin", overrides_file: true });
    await client().chat.completions.create({ model: "from-file", messages: [{ role: "user", content: "who answers?" }] });
    expect((emulator.requests.at(-1)!.body as { model: string }).model).toBe("gpt-4o-override");

    const restored = await call("DELETE", "/admin/models/from-file");
    expect(restored.body).toMatchObject({ deleted: true, file_entry_restored: true });
    await client().chat.completions.create({ model: "from-file", messages: [{ role: "user", content: "and now?" }] });
    expect((emulator.requests.at(-1)!.body as { model: string }).model).toBe("gpt-4o-mini");

    const fileOnly = await call("DELETE", "/admin/models/from-file");
    expect(fileOnly.status).toBe(409);
    expect(fileOnly.body.error.message).toContain("config file");
  });

  it("keeps a provider a model still uses, and removes both in order", async () => {
    const inUse = await call("DELETE", "/admin/providers/added");
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.message).toContain('models.added-model.routes[0].provider: no provider named "added"');
    expect((await call("GET", "/admin/providers/added")).status).toBe(200);

    // Persisted: a restarted gateway on the same database serves the admin entries.
    await gateway.close();
    gateway = await startGateway(config, { env: { SWITCHYARD_MASTER_KEY: MASTER, FILE_KEY: UPSTREAM_KEY } });
    const answer = await client().chat.completions.create({ model: "added-model", messages: [{ role: "user", content: "after a restart" }] });
    expect(answer.choices[0]?.message.content).toBeTruthy();

    expect((await call("DELETE", "/admin/models/added-model")).status).toBe(200);
    expect((await call("DELETE", "/admin/providers/added")).status).toBe(200);
    const gone = await fetch(`${gateway.baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${MASTER}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "added-model", messages: [{ role: "user", content: "gone?" }] }),
    });
    expect(gone.status).toBe(404);
    expect((await call("GET", "/admin/providers")).body.data.map((entry: { name: string }) => entry.name)).toEqual(["file"]);
  }, 60_000);

  it("answers only the master key", async () => {
    expect((await call("GET", "/admin/providers", undefined, "sk-wrong")).status).toBe(401);
  });
});
