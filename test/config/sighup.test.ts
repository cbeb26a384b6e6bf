import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { freePort } from "../helpers/free-port.js";

async function modelIds(url: string): Promise<string[] | undefined> {
  try {
    const response = await fetch(`${url}/v1/models`);
    if (!response.ok) return undefined;
    return ((await response.json()) as { data: Array<{ id: string }> }).data.map((model) => model.id);
  } catch {
    return undefined;
  }
}

async function until<T>(read: () => Promise<T | undefined>, accept: (value: T) => boolean, child: ChildProcess, what: string): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}`);
    const value = await read();
    if (value !== undefined && accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("switchyard serve re-reads its config file on SIGHUP", () => {
  let dir: string;
  let emulator: OpenaiEmulator;
  let child: ChildProcess | undefined;
  let stderr = "";

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "swy-sighup-"));
    emulator = await startOpenaiEmulator();
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    await emulator?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("applies a good file, and keeps serving when the next one is bad", async () => {
    const port = await freePort();
    const configPath = join(dir, "switchyard.yaml");
    const config = (models: Record<string, unknown>) =>
      JSON.stringify({
        server: { port, data_dir: join(dir, "data"), log_level: "info" },
        providers: { up: { type: "openai", base_url: emulator.baseURL, api_key: "none" } },
        models,
      });
    writeFileSync(configPath, config({ first: { routes: [{ provider: "up", model: "gpt-4o-mini" }] } }));
    child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve", "--config", configPath], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, SWITCHYARD_MASTER_KEY: "" } });
    child.stdout!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const url = `http://127.0.0.1:${port}`;
    await until(() => modelIds(url), (ids) => ids.includes("first"), child, "the gateway to start");

    writeFileSync(configPath, config({ first: { routes: [{ provider: "up", model: "gpt-4o-mini" }] }, second: { routes: [{ provider: "up", model: "gpt-4o" }] } }));
    child.kill("SIGHUP");
    await until(() => modelIds(url), (ids) => ids.includes("second"), child, "the new model after SIGHUP");

    writeFileSync(configPath, "models: [this is not a mapping");
    child.kill("SIGHUP");
    await until(async () => stderr, (text) => text.includes("configuration reload refused"), child, "the refusal to be logged");
    expect(child.exitCode).toBeNull();
    expect(await modelIds(url)).toEqual(expect.arrayContaining(["first", "second"]));
  }, 120_000);
});
