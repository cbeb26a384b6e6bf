import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { createLogger } from "../../src/observability/logger.js";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { readJsonRequest, startServer, type RunningServer } from "../emulators/shared/server.js";

const MASTER = "reload-master";

/**
 * An upstream in OpenAI's streaming wire format that sends its first chunk, then holds the rest of
 * the stream until the test releases it: a request that is certainly in flight across a reload.
 */
async function startHeldUpstream(): Promise<RunningServer & { started: Promise<void>; release: () => void }> {
  let markStarted!: () => void;
  let release!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const server = await startServer(async (request, response) => {
    const { body } = await readJsonRequest(request);
    const base = { id: "chatcmpl-held", object: "chat.completion.chunk", created: 1, model: String(body?.model) };
    const send = (payload: unknown) => response.write(`data: ${JSON.stringify(payload)}\n\n`);
    response.writeHead(200, { "content-type": "text/event-stream" });
    send({ ...base, choices: [{ index: 0, delta: { role: "assistant", content: "before the reload" }, finish_reason: null }] });
    markStarted();
    await released;
    send({ ...base, choices: [{ index: 0, delta: { content: ", after it" }, finish_reason: null }] });
    send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] });
    send({ ...base, choices: [], usage: { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 } });
    response.end("data: [DONE]\n\n");
  });
  return Object.assign(server, { started, release });
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("config reload without a restart", () => {
  let dir: string;
  let configPath: string;
  let first: OpenaiEmulator;
  let second: OpenaiEmulator;
  let app: App;
  let url: string;
  let client: OpenAI;

  const writeConfig = (config: Record<string, unknown>) => writeFileSync(configPath, JSON.stringify(config));
  const baseConfig = () => ({
    server: { data_dir: join(dir, "data") },
    providers: { up: { type: "openai", base_url: first.baseURL, api_key: "none" } },
    models: { alpha: { routes: [{ provider: "up", model: "gpt-4o-mini" }] } },
  });
  const reload = () => fetch(`${url}/admin/config/reload`, { method: "POST", headers: { authorization: `Bearer ${MASTER}` } });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "swy-reload-"));
    configPath = join(dir, "switchyard.json");
    first = await startOpenaiEmulator();
    second = await startOpenaiEmulator();
    writeConfig(baseConfig());
    app = await createApp({ configPath, env: { SWITCHYARD_MASTER_KEY: MASTER }, logger: createLogger("silent") });
    await app.server.listen({ host: "127.0.0.1", port: 0 });
    url = `http://127.0.0.1:${(app.server.server.address() as AddressInfo).port}`;
    client = new OpenAI({ baseURL: `${url}/v1`, apiKey: MASTER, maxRetries: 0 });
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all([first?.close(), second?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a bad file, says why, and changes nothing", async () => {
    writeConfig({ ...baseConfig(), providers: {}, models: { alpha: { routes: [{ provider: "up", model: "gpt-4o-mini" }] }, beta: { routes: [{ provider: "gone", model: "x" }] } } });
    const refused = await reload();
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { error: { message: string; code: string; type: string } };
    expect(body.error.code).toBe("SWY_ERR_INVALID_REQUEST");
    expect(body.error.message).toContain("nothing changed");
    expect(body.error.message).toContain('models.beta.routes[0].provider: no provider named "gone"');

    writeConfig({ ...baseConfig(), servre: {} });
    const misspelt = await reload();
    expect(misspelt.status).toBe(400);
    expect(((await misspelt.json()) as { error: { message: string } }).error.message).toContain('unknown key "servre"');

    writeFileSync(configPath, "{ not json");
    expect((await reload()).status).toBe(400);

    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toContain("alpha");
    expect(models.data.map((model) => model.id)).not.toContain("beta");
    const answer = await client.chat.completions.create({ model: "alpha", messages: [{ role: "user", content: "still here?" }] });
    expect(answer.choices[0]?.message.content).toBeTruthy();
    expect(app.runtime.providers.has("up")).toBe(true);
  });

  it("applies a good file: a new model answers and unchanged providers keep their adapter", async () => {
    const adapter = app.runtime.providers.get("up");
    writeConfig({ ...baseConfig(), models: { ...baseConfig().models, beta: { routes: [{ provider: "up", model: "gpt-4o" }] } } });
    const response = await reload();
    expect(response.status).toBe(200);
    const outcome = (await response.json()) as { applied: boolean; models: { added: string[] }; restart_required: string[] };
    expect(outcome.applied).toBe(true);
    expect(outcome.models.added).toEqual(["beta"]);
    expect(outcome.restart_required).toEqual([]);
    expect(app.runtime.providers.get("up")).toBe(adapter);

    const before = first.requests.length;
    const answer = await client.chat.completions.create({ model: "beta", messages: [{ role: "user", content: "hello beta" }] });
    expect(answer.choices[0]?.message.content).toBeTruthy();
    expect(first.requests.length).toBe(before + 1);
    expect((first.requests.at(-1)?.body as { model: string }).model).toBe("gpt-4o");
  });

  it("names sections that only apply after a restart, and still applies the rest", async () => {
    writeConfig({ ...baseConfig(), server: { data_dir: join(dir, "data"), body_limit: 1024 } });
    const outcome = (await (await reload()).json()) as { restart_required: string[]; models: { removed: string[] } };
    expect(outcome.restart_required).toEqual(["server"]);
    expect(outcome.models.removed).toEqual(["beta"]);
    expect(app.runtime.config.server.body_limit).toBe(20 * 1024 * 1024);
  });

  it("lets a streaming request that started before a reload finish on the old provider", async () => {
    const held = await startHeldUpstream();
    try {
      writeConfig({ ...baseConfig(), providers: { up: { type: "openai", base_url: `${held.url}/v1`, api_key: "none" } } });
      expect((await reload()).status).toBe(200);
      const stream = await client.chat.completions.create({ model: "alpha", stream: true, messages: [{ role: "user", content: "a long answer" }] });
      const text: string[] = [];
      const reading = (async () => {
        for await (const chunk of stream) text.push(chunk.choices[0]?.delta.content ?? "");
      })();
      await held.started;

      // The provider now points elsewhere; the stream already running keeps its upstream.
      writeConfig({ ...baseConfig(), providers: { up: { type: "openai", base_url: second.baseURL, api_key: "none" } } });
      const response = await reload();
      expect(response.status).toBe(200);
      expect(((await response.json()) as { providers: { changed: string[] } }).providers.changed).toEqual(["up"]);
      expect(app.reloader.draining).toBe(1);

      const after = await client.chat.completions.create({ model: "alpha", messages: [{ role: "user", content: "new runtime" }] });
      expect(after.choices[0]?.message.content).toBeTruthy();
      expect(second.requests).toHaveLength(1);

      held.release();
      await reading;
      expect(text.join("")).toBe("before the reload, after it");
      await until(() => app.reloader.draining === 0, "the old runtime to drain");
    } finally {
      held.release();
      await held.close();
    }
  });

  it("needs the master key", async () => {
    const response = await fetch(`${url}/admin/config/reload`, { method: "POST", headers: { authorization: "Bearer nope" } });
    expect(response.status).toBe(401);
  });
});
