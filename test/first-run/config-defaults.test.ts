import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { loadConfigFile } from "../../src/config/load.js";
import { createLogger } from "../../src/observability/logger.js";
import { CHATML_TEMPLATE, writeTinyLlamaGguf } from "../local/gguf-writer.js";

// Model loads (with the child-process probe) are slow on a shared two-core machine.
const SLOW = { timeout: 120_000 };

let directory: string;
let apps: App[] = [];
let logs: string[] = [];

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "swy-defaults-"));
  logs = [];
});

afterEach(async () => {
  await Promise.all(apps.map((app) => app.close()));
  apps = [];
  rmSync(directory, { recursive: true, force: true });
});

/** A config file in the temp directory; its data directory is the temp directory too. */
function configFile(text: string): string {
  const path = join(directory, "switchyard.yaml");
  writeFileSync(path, `server:\n  data_dir: ${directory}\n  log_level: warn\n${text}`);
  return path;
}

async function start(path: string, env: NodeJS.ProcessEnv = {}): Promise<App> {
  const logger = createLogger("warn", { write: (line: string) => void logs.push(line) });
  const app = await createApp({ configPath: path, env: { SWITCHYARD_AUTO_DOWNLOAD: "0", ...env }, logger });
  apps.push(app);
  return app;
}

const chat = (app: App, model: string) =>
  app.server.inject({ method: "POST", url: "/v1/chat/completions", payload: { model, messages: [{ role: "user", content: "hi" }], max_tokens: 3, seed: 1 } });

describe("built-in providers with a config file", SLOW, () => {
  it("a file that sets only server: options keeps them, so local/<file> still answers", async () => {
    mkdirSync(join(directory, "models"));
    writeTinyLlamaGguf(join(directory, "models", "tiny.gguf"), { chatTemplate: CHATML_TEMPLATE, seed: 5 });
    const path = configFile("");
    const loaded = loadConfigFile({ path, env: { OPENAI_API_KEY: "sk-test" } });
    expect(loaded.builtins).toBe("added");
    expect(Object.keys(loaded.config.providers).sort()).toEqual(["local", "openai"]);
    expect(Object.keys(loaded.config.models)).toEqual(["local"]);

    const app = await start(path);
    const response = await chat(app, "local/tiny");
    expect(response.statusCode).toBe(200);
    expect(response.headers["x-switchyard-provider"]).toBe("local");
    expect(logs.filter((line) => /built-in providers/.test(line))).toEqual([]);
  });

  it("a file with models: but no providers: keeps the built-in ones next to its own models", async () => {
    const path = configFile("models:\n  mine:\n    routes: [{ provider: local, model: tiny }]\n");
    const { config } = loadConfigFile({ path, env: {} });
    expect(Object.keys(config.providers)).toEqual(["local"]);
    expect(Object.keys(config.models).sort()).toEqual(["local", "mine"]);
  });

  it("a providers: section replaces them: a warning at start and a 404 that says why", async () => {
    const path = configFile("providers:\n  vllm: { type: openai, base_url: 'http://127.0.0.1:9/v1', api_key: none }\n");
    expect(loadConfigFile({ path, env: {} }).builtins).toBe("replaced");
    const app = await start(path);
    const warnings = logs.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((line) => /built-in providers/.test(line.msg));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.level).toBe(40);
    expect(warnings[0]!.msg).toMatch(/has a providers: section, so the built-in providers \(local\) are not added/);

    const response = await chat(app, "local/tiny");
    expect(response.statusCode).toBe(404);
    expect(response.json().error.message).toMatch(/configured provider \(vllm\)\. 'local' is a built-in provider, but the config file has its own providers: section/);
    expect(response.json().error.message).toContain("local: {type: local}");
  });

  it("a key stored through the credentials API adds its built-in provider on reload and at the next start", async () => {
    const path = configFile("");
    const env = { SWITCHYARD_MASTER_KEY: "master-test-key" };
    const authorization = "Bearer master-test-key";
    const first = await start(path, env);
    expect([...first.runtime.providers.keys()]).toEqual(["local"]);
    const stored = await first.server.inject({
      method: "PUT",
      url: "/admin/credentials/OPENAI_API_KEY",
      headers: { authorization },
      payload: { provider: "openai", value: "sk-stored" },
    });
    expect(stored.statusCode).toBe(200);
    const reloaded = await first.server.inject({ method: "POST", url: "/admin/config/reload", headers: { authorization }, payload: {} });
    expect(reloaded.statusCode).toBe(200);
    expect(reloaded.json().providers.added).toEqual(["openai"]);
    expect([...first.runtime.providers.keys()].sort()).toEqual(["local", "openai"]);
    const listed = (await first.server.inject({ method: "GET", url: "/v1/providers", headers: { authorization } })).json();
    expect(listed.builtin_providers).toBe(true);
    expect(listed.hosted.find((item: { provider: string }) => item.provider === "openai")).toMatchObject({ key_name: "OPENAI_API_KEY", configured: true });
    await first.close();
    apps = [];

    const second = await start(path, env);
    expect([...second.runtime.providers.keys()].sort()).toEqual(["local", "openai"]);
  });
});
