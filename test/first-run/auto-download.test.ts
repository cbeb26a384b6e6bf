import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { createLogger } from "../../src/observability/logger.js";
import { modelsCommand } from "../../src/cli/models.js";
import { CHATML_TEMPLATE, tinyLlamaGguf } from "../local/gguf-writer.js";
import { startModelHub, type ModelHub } from "./model-hub.js";

// Model loads are slow on a shared two-core machine.
const SLOW = { timeout: 120_000 };
const SOURCE = "hf:test/Tiny-GGUF:Q8_0";
const FILE = "tiny-Q8_0.gguf";
const model = tinyLlamaGguf({ seed: 21, chatTemplate: CHATML_TEMPLATE });

let hub: ModelHub;
let dataDir: string;
let apps: App[] = [];
let logs: string[] = [];

beforeAll(async () => {
  hub = await startModelHub([
    { repository: "test/Tiny-GGUF", file: FILE, body: model },
    { repository: "test/Corrupt-GGUF", file: FILE, body: model, advertisedSha256: "ab".repeat(32) },
  ]);
});

afterAll(async () => {
  await hub?.close();
});

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), "swy-auto-"));
  logs = [];
  Object.assign(hub, { ranges: [], treeRequests: 0, plans: [] });
  return async () => {
    await Promise.all(apps.map((app) => app.close()));
    apps = [];
    rmSync(dataDir, { recursive: true, force: true });
  };
});

function config(server: Record<string, unknown> = {}, source = SOURCE): Record<string, unknown> {
  return {
    server: { data_dir: dataDir, model_hub: hub.endpoint, ...server },
    providers: { local: { type: "local", threads: 1, context_size: 512, probe_load: false, models: { tiny: { source } } } },
    models: { local: { routes: [{ provider: "local", model: "tiny" }] } },
  };
}

async function start(configObject: Record<string, unknown>, env: NodeJS.ProcessEnv = { SWITCHYARD_AUTO_DOWNLOAD: "1" }): Promise<App> {
  const logger = createLogger("debug", { write: (line: string) => void logs.push(line) });
  const app = await createApp({ config: configObject, env, logger });
  apps.push(app);
  return app;
}

const chat = (app: App) =>
  app.server.inject({ method: "POST", url: "/v1/chat/completions", payload: { model: "local", messages: [{ role: "user", content: "hi" }], max_tokens: 4, seed: 1 } });

interface Status {
  state: string;
  downloaded_bytes?: number;
  total_bytes?: number;
  progress?: number;
  message?: string;
}

const status = async (app: App): Promise<Status> => (await app.server.inject({ method: "GET", url: "/v1/models/local" })).json().status as Status;

/** Polls the model's status until `done` holds, with its own deadline. */
async function waitForStatus(app: App, done: (status: Status) => boolean, what: string, deadlineMs = 30_000): Promise<Status> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const current = await status(app);
    if (current && done(current)) return current;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last status ${JSON.stringify(current)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const messages = () => logs.map((line) => (JSON.parse(line) as { msg: string }).msg);

describe("first start downloads the default local model", SLOW, () => {
  it("fetches it in the background, answers 503 with progress and Retry-After meanwhile, resumes a cut, then answers", async () => {
    let release!: () => void;
    hub.plans.push({ kind: "cut", bytes: 100_000 }, { kind: "hold", bytes: 50_000, release: new Promise((resolve) => (release = resolve)) });
    const app = await start(config());

    // How much of the cut arrived depends on socket buffers; the resumed request says where it continued.
    const resumedAt = () => Number(/bytes=(\d+)-/.exec(hub.ranges[1] ?? "")?.[1] ?? Number.NaN);
    const during = await waitForStatus(app, (current) => current.state === "downloading" && (current.downloaded_bytes ?? 0) >= resumedAt() + 50_000, "the held download");
    expect(resumedAt()).toBeGreaterThan(0);
    expect(during.total_bytes).toBe(model.length);
    expect(during.progress).toBeGreaterThan(0);
    expect(during.progress).toBeLessThan(1);

    const refused = await chat(app);
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error.code).toBe("SWY_ERR_MODEL_UNAVAILABLE");
    expect(refused.json().error.message).toMatch(/'tiny' is downloading \(\d+%, [\d.]+ of [\d.]+ MB/);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    // The list shows the same status, for the console.
    const listed = (await app.server.inject({ method: "GET", url: "/v1/models" })).json().data as Array<{ id: string; status?: Status }>;
    expect(listed.find((entry) => entry.id === "local")?.status?.state).toBe("downloading");

    release();
    await waitForStatus(app, (current) => current.state === "ready", "the download to finish");
    expect(readFileSync(join(dataDir, "models", FILE)).equals(model)).toBe(true);
    // The cut was resumed where it stopped, not started over.
    expect(hub.ranges[0]).toBeUndefined();
    expect(hub.ranges).toHaveLength(2);

    const answered = await chat(app);
    expect(answered.statusCode).toBe(200);
    expect(answered.json().choices[0].message.role).toBe("assistant");
    expect(messages().some((line) => /^Downloading 'tiny': \d+% \(/.test(line))).toBe(true);
    expect(messages().some((line) => /resuming in \d+ s/.test(line))).toBe(true);
    expect(messages().some((line) => /'tiny' is downloaded and checked \(sha256 [0-9a-f]{64}\)/.test(line))).toBe(true);
  });

  it("resumes across a restart from the partial file with a Range request", async () => {
    hub.plans.push({ kind: "hold", bytes: 200_000, release: new Promise(() => undefined) });
    const first = await start(config());
    await waitForStatus(first, (current) => (current.downloaded_bytes ?? 0) >= 200_000, "the first part");
    await first.close();
    apps = apps.filter((app) => app !== first);
    const kept = statSync(join(dataDir, "models", `${FILE}.partial`)).size;
    expect(kept).toBeGreaterThanOrEqual(200_000);

    const second = await start(config());
    await waitForStatus(second, (current) => current.state === "ready", "the resumed download");
    expect(hub.ranges, JSON.stringify(hub.ranges)).toEqual([undefined, `bytes=${kept}-`]);
    expect(readFileSync(join(dataDir, "models", FILE)).equals(model)).toBe(true);
  });

  it("downloads a file once per process when two providers want it (a reload that changed the provider)", async () => {
    let release!: () => void;
    hub.plans.push({ kind: "hold", bytes: 100_000, release: new Promise((resolve) => (release = resolve)) });
    const first = await start(config());
    await waitForStatus(first, (current) => (current.downloaded_bytes ?? 0) >= 100_000, "the first download");
    const second = await start(config());
    await waitForStatus(second, (current) => current.state === "queued", "the second to wait");
    const refused = await chat(second);
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error.message).toMatch(/waiting for another download/);
    release();
    await waitForStatus(first, (current) => current.state === "ready", "the first to finish");
    await waitForStatus(second, (current) => current.state === "ready", "the second to see the file");
    expect(hub.ranges).toEqual([undefined]);
  });

  it("refuses a file whose checksum differs from the published one and says so", async () => {
    const app = await start(config({}, "hf:test/Corrupt-GGUF:Q8_0"));
    const failed = await waitForStatus(app, (current) => current.state === "failed", "the failed check");
    expect(failed.message).toMatch(/Checksum mismatch/);
    expect(existsSync(join(dataDir, "models", FILE))).toBe(false);
    expect(existsSync(join(dataDir, "models", `${FILE}.partial`))).toBe(false);
    const refused = await chat(app);
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error.message).toMatch(/download failed: Checksum mismatch.*npx switchyard models pull hf:test\/Corrupt-GGUF:Q8_0/);
  });

  it("offline, says once at start what to do, and requests get the same", async () => {
    // A loopback port nothing listens on: the hub cannot be reached.
    const closed = await startModelHub([]);
    const endpoint = closed.endpoint;
    await closed.close();
    const app = await start({ ...config(), server: { data_dir: dataDir, model_hub: endpoint } });
    const offline = await waitForStatus(app, (current) => current.state === "offline", "the offline report");
    expect(offline.message).toContain("npx switchyard models pull hf:test/Tiny-GGUF:Q8_0");
    const warnings = logs.filter((line) => /cannot be reached/.test(line));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0]!).level).toBe(40);
    const refused = await chat(app);
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error.message).toMatch(/model hub \(http:\/\/127\.0\.0\.1:\d+\) cannot be reached.*models pull/);
  });

  it("is off with server.auto_download: false, and with SWITCHYARD_AUTO_DOWNLOAD=0 over the config", async () => {
    const byConfig = await start(config({ auto_download: false }), {});
    const byEnv = await start(config({ auto_download: true }), { SWITCHYARD_AUTO_DOWNLOAD: "0" });
    for (const app of [byConfig, byEnv]) {
      const missing = await waitForStatus(app, (current) => current.state === "missing" && current.message !== undefined, "the missing report");
      expect(missing.message).toMatch(/automatic download is off/);
      const refused = await chat(app);
      expect(refused.statusCode).toBe(503);
      expect(refused.json().error.message).toContain("npx switchyard models pull hf:test/Tiny-GGUF:Q8_0");
    }
    expect(hub.treeRequests).toBe(0);
    expect(hub.ranges).toEqual([]);
  });

  it("refuses an unreadable SWITCHYARD_AUTO_DOWNLOAD at start", async () => {
    await expect(start(config(), { SWITCHYARD_AUTO_DOWNLOAD: "sometimes" })).rejects.toThrow(/SWITCHYARD_AUTO_DOWNLOAD: expected 0 or 1/);
  });

  it("leaves a model that is already there alone", async () => {
    mkdirSync(join(dataDir, "models"), { recursive: true });
    writeFileSync(join(dataDir, "models", FILE), model);
    const app = await start({
      ...config(),
      providers: { local: { type: "local", threads: 1, probe_load: false, models: { tiny: { file: FILE, source: SOURCE } } } },
    });
    await waitForStatus(app, (current) => current.state === "ready", "ready");
    expect((await chat(app)).statusCode).toBe(200);
    expect(hub.treeRequests).toBe(0);
  });

  it("`models pull` downloads from the same configured hub", async () => {
    const path = join(dataDir, "switchyard.yaml");
    writeFileSync(path, `server:\n  data_dir: ${dataDir}\n  model_hub: ${hub.endpoint}\n`);
    expect(await modelsCommand(["pull", SOURCE, "--config", path])).toBe(0);
    expect(readFileSync(join(dataDir, "models", FILE)).equals(model)).toBe(true);
    expect(hub.treeRequests).toBe(1);
  });
});
