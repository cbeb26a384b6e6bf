import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { freePort } from "../helpers/free-port.js";
import { startGateway } from "../helpers/gateway.js";

const MASTER = "durability-master";

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 1200; attempt++) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("gateway did not start");
}

/** One request; resolves with its id only when the client got the whole response. */
async function oneRequest(url: string, key: string, id: string, stream: boolean): Promise<string | undefined> {
  try {
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "x-request-id": id },
      body: JSON.stringify({ model: "gpt-4o", stream, messages: [{ role: "user", content: `request ${id}` }] }),
    });
    const text = await response.text();
    if (response.status !== 200) return undefined;
    if (stream) return text.trimEnd().endsWith("data: [DONE]") ? id : undefined;
    return (JSON.parse(text) as { object?: string }).object === "chat.completion" ? id : undefined;
  } catch {
    return undefined;
  }
}

describe("usage durability", () => {
  let emulator: OpenaiEmulator;
  let dataDir: string;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    // Slow enough that many requests are in flight when the process dies.
    emulator = await startOpenaiEmulator({ latencyMs: 5, eventDelayMs: 2, chunkSize: 4 });
    dataDir = mkdtempSync(join(tmpdir(), "swy-durability-"));
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    await emulator?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("has a usage row for every response a client received complete, after SIGKILL under load", async () => {
    const port = await freePort();
    const config = {
      server: { port, data_dir: dataDir, log_level: "warn" },
      providers: { up: { type: "openai", base_url: emulator.baseURL, api_key: "none" } },
      models: { "gpt-4o": { routes: [{ provider: "up", model: "gpt-4o" }] } },
      // Nothing reaches the database by timer before the kill: every row must come back from the journal.
      control: { usage_flush_ms: 600_000, usage_batch_size: 5000 },
    };
    const configPath = join(dataDir, "config.json");
    writeFileSync(configPath, JSON.stringify(config));
    child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve", "--config", configPath], {
      env: { ...process.env, SWITCHYARD_MASTER_KEY: MASTER },
      stdio: "ignore",
    });
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(url, child);

    const admin = (path: string, body: unknown) =>
      fetch(`${url}${path}`, { method: "POST", headers: { authorization: `Bearer ${MASTER}`, "content-type": "application/json" }, body: JSON.stringify(body) }).then(
        (response) => response.json() as Promise<Record<string, string>>,
      );
    const project = await admin("/admin/projects", { name: "durable" });
    const key = (await admin("/admin/keys", { project_id: project.id! })).key!;

    const completed: string[] = [];
    let sent = 0;
    let killed = false;
    const worker = async (lane: number) => {
      while (!killed) {
        const id = `dur-${lane}-${sent++}`;
        const done = await oneRequest(url, key, id, sent % 2 === 0);
        if (done) completed.push(done);
        if (completed.length >= 150 && !killed) {
          killed = true;
          child!.kill("SIGKILL");
        }
      }
    };
    await Promise.all(Array.from({ length: 24 }, (_, lane) => worker(lane)));
    await new Promise<void>((resolve) => (child!.exitCode !== null || child!.signalCode !== null ? resolve() : child!.once("exit", () => resolve())));
    expect(child.signalCode).toBe("SIGKILL");
    expect(readdirSync(join(dataDir, "usage-journal")).length).toBeGreaterThan(0);

    // A fresh gateway on the same data dir replays the journal into the database at start-up.
    const { port: _unused, ...serverConfig } = config.server;
    const restarted = await startGateway({ ...config, server: serverConfig }, { env: { SWITCHYARD_MASTER_KEY: MASTER } });
    try {
      const rows = await restarted.control.storage.db.selectFrom("usage_records").select(["request_id", "status", "key_id"]).execute();
      const byRequest = new Map(rows.map((row) => [row.request_id, row]));
      const missing = completed.filter((id) => byRequest.get(id)?.status !== "success");
      expect(completed.length).toBeGreaterThanOrEqual(150);
      expect(missing).toEqual([]);
      // One row per request: a replay never duplicates.
      expect(new Set(rows.map((row) => row.request_id)).size).toBe(rows.length);
      expect(readdirSync(join(dataDir, "usage-journal"))).toEqual([]);
    } finally {
      await restarted.close();
    }
  }, 180_000);
});
