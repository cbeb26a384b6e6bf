import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { freePort } from "../helpers/free-port.js";
import { startGateway } from "../helpers/gateway.js";
import { chatLine, readResults, uploadBatchFile, waitForBatch } from "./helpers.js";

const MASTER = "sk-master-batch-restart";
const LINES = 8;

/** How often each prompt reached the provider. */
function sendCounts(emulator: OpenaiEmulator): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of emulator.requests) {
    if (!request.path.endsWith("/chat/completions")) continue;
    const text = request.body.messages.at(-1).content as string;
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  return counts;
}

const configFor = (emulator: OpenaiEmulator, dataDir: string, port = 0) => ({
  server: { port, data_dir: dataDir, log_level: "warn" },
  providers: { up: { type: "openai", base_url: emulator.baseURL, api_key: "none" } },
  models: { gpt: { routes: [{ provider: "up", model: "gpt-up" }] } },
  // A short lease: after a SIGKILL the restarted process takes the batch over once it expires.
  batches: { concurrency: 2, lease_ms: 1500 },
});

describe("a batch survives a restart in the middle", () => {
  let emulator: OpenaiEmulator;
  let dataDir: string;
  let child: ChildProcess | undefined;

  beforeEach(async () => {
    // Slow enough that the restart lands while lines are still pending.
    emulator = await startOpenaiEmulator({ latencyMs: 150 });
    dataDir = mkdtempSync(join(tmpdir(), "swy-batch-restart-"));
  });
  afterEach(async () => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    child = undefined;
    await emulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("closing and reopening the app on the same data directory resumes it; no line runs twice", async () => {
    const first = await startGateway(configFor(emulator, dataDir), { env: { SWITCHYARD_MASTER_KEY: MASTER } });
    let client = new OpenAI({ baseURL: first.baseURL, apiKey: MASTER, maxRetries: 0 });
    const input = await uploadBatchFile(client, Array.from({ length: LINES }, (_, index) => chatLine(`r${index}`, `restart line ${index}`)));
    const created = await client.batches.create({ input_file_id: input, endpoint: "/v1/chat/completions", completion_window: "24h" });
    await waitForBatch(client, created.id, 60_000, (batch) => (batch.request_counts?.completed ?? 0) >= 2);
    await first.close();
    const sentBeforeRestart = [...sendCounts(emulator).values()].reduce((sum, count) => sum + count, 0);
    expect(sentBeforeRestart).toBeLessThan(LINES);

    const second = await startGateway(configFor(emulator, dataDir), { env: { SWITCHYARD_MASTER_KEY: MASTER } });
    try {
      client = new OpenAI({ baseURL: second.baseURL, apiKey: MASTER, maxRetries: 0 });
      const batch = await waitForBatch(client, created.id);
      expect(batch.status).toBe("completed");
      // A clean shutdown lets the lines in flight finish, so every line succeeds, each sent once.
      expect(batch.request_counts).toEqual({ total: LINES, completed: LINES, failed: 0 });
      const output = await readResults(client, batch.output_file_id);
      expect(output.map((line) => line.custom_id)).toEqual(Array.from({ length: LINES }, (_, index) => `r${index}`));
      const counts = sendCounts(emulator);
      expect(counts.size).toBe(LINES);
      expect([...counts.values()].every((count) => count === 1)).toBe(true);
    } finally {
      await second.close();
    }
  });

  it("two nodes on one database: each batch runs on one of them; a cancel through the other reaches it", async () => {
    const a = await startGateway(configFor(emulator, dataDir), { env: { SWITCHYARD_MASTER_KEY: MASTER } });
    const b = await startGateway(configFor(emulator, dataDir), { env: { SWITCHYARD_MASTER_KEY: MASTER } });
    try {
      const viaA = new OpenAI({ baseURL: a.baseURL, apiKey: MASTER, maxRetries: 0 });
      const viaB = new OpenAI({ baseURL: b.baseURL, apiKey: MASTER, maxRetries: 0 });
      const input = await uploadBatchFile(viaA, Array.from({ length: LINES }, (_, index) => chatLine(`n${index}`, `node line ${index}`)));
      const created = await viaA.batches.create({ input_file_id: input, endpoint: "/v1/chat/completions", completion_window: "24h" });
      await waitForBatch(viaB, created.id, 60_000, (batch) => (batch.request_counts?.completed ?? 0) >= 1);
      expect((await viaB.batches.cancel(created.id)).status).toBe("cancelling");
      const batch = await waitForBatch(viaB, created.id);
      expect(batch.status).toBe("cancelled");
      const output = await readResults(viaB, batch.output_file_id);
      const errors = await readResults(viaB, batch.error_file_id);
      expect(output.length + errors.length).toBe(LINES);
      expect(errors.length).toBeGreaterThan(0);
      expect([...sendCounts(emulator).values()].every((count) => count === 1)).toBe(true);
      expect(sendCounts(emulator).size).toBe(output.length);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("after SIGKILL, a restarted process finishes the batch; lines in flight at the kill are reported, never resent", async () => {
    const port = await freePort();
    const configPath = join(dataDir, "config.json");
    writeFileSync(configPath, JSON.stringify(configFor(emulator, dataDir, port)));
    const url = `http://127.0.0.1:${port}`;
    const serve = async () => {
      child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve", "--config", configPath], { env: { ...process.env, SWITCHYARD_MASTER_KEY: MASTER }, stdio: "ignore" });
      for (let attempt = 0; attempt < 1200; attempt++) {
        if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}`);
        if (await fetch(`${url}/health`).then((response) => response.ok).catch(() => false)) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error("gateway did not start");
    };
    await serve();
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: MASTER, maxRetries: 0 });
    const input = await uploadBatchFile(client, Array.from({ length: LINES }, (_, index) => chatLine(`k${index}`, `killed line ${index}`)));
    const created = await client.batches.create({ input_file_id: input, endpoint: "/v1/chat/completions", completion_window: "24h" });
    await waitForBatch(client, created.id, 60_000, (batch) => (batch.request_counts?.completed ?? 0) >= 2);
    const exited = new Promise((resolve) => child!.once("exit", resolve));
    child!.kill("SIGKILL");
    await exited;
    const sentBeforeKill = new Map(sendCounts(emulator));
    expect(sentBeforeKill.size).toBeLessThan(LINES);

    await serve();
    const batch = await waitForBatch(client, created.id);
    expect(batch.status).toBe("completed");
    const output = await readResults(client, batch.output_file_id);
    const errors = await readResults(client, batch.error_file_id);
    expect(output.length + errors.length).toBe(LINES);
    expect(new Set([...output, ...errors].map((line) => line.custom_id)).size).toBe(LINES);
    for (const line of errors) expect(line.error?.code).toBe("batch_interrupted");
    // At most the concurrency cap was in flight when the process died.
    expect(errors.length).toBeLessThanOrEqual(2);
    const counts = sendCounts(emulator);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    for (const line of output) expect(counts.get(`killed line ${line.custom_id!.slice(1)}`)).toBe(1);
    // An interrupted line was never sent again after the restart.
    for (const line of errors) expect(counts.get(`killed line ${line.custom_id!.slice(1)}`) ?? 0).toBe(sentBeforeKill.get(`killed line ${line.custom_id!.slice(1)}`) ?? 0);
  }, 180_000);
});
