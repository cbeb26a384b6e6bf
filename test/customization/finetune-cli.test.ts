import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { finetuneCommand } from "../../src/cli/finetune.js";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startFineTuningEmulator, type FineTuningEmulator } from "../emulators/openai-fine-tuning/server.js";
import { chatJsonl } from "./datasets.js";

describe("switchyard finetune (CLI against a running gateway)", () => {
  let dataDir: string;
  let chat: OpenaiEmulator;
  let upstream: FineTuningEmulator;
  let app: App;
  let url: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "swy-ft-cli-"));
    chat = await startOpenaiEmulator();
    upstream = await startFineTuningEmulator();
    app = await createApp({
      config: {
        server: { data_dir: dataDir, log_level: "silent" },
        providers: { openai: { type: "openai", base_url: chat.baseURL, api_key: "none" } },
        fine_tuning: { openai: { base_url: upstream.baseURL, api_key: "none", provider: "openai", poll_interval_ms: 20 } },
      },
    });
    url = await app.server.listen({ port: 0, host: "127.0.0.1" });
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all([chat?.close(), upstream?.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const run = async (args: string[]) => {
    let out = "";
    let err = "";
    const stdout = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => ((out += String(chunk)), true));
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((err += String(chunk)), true));
    try {
      return { code: await finetuneCommand([...args, "--url", url]), out, err };
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
  };

  it("uploads a file, creates a job, and watches it to the fine-tuned model name", async () => {
    const path = join(dataDir, "train.jsonl");
    writeFileSync(path, chatJsonl([["Who is Zorblax?", "A dragon."]]));
    const result = await run(["create", "--model", "gpt-4o-mini", "--file", path, "--suffix", "cli", "--epochs", "2"]);
    // The progress bar draws on stderr.
    expect(result.err).toMatch(/steps \| loss/);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/Created ftjob-/);
    expect(result.out).toMatch(/Fine-tuned model: ft:gpt-4o-mini:emulator-org:cli:/);
    const listed = await run(["list"]);
    expect(JSON.parse(listed.out).data[0].suffix).toBe("cli");
  });

  it("prints a rejected dataset's per-line errors and exits 1", async () => {
    const path = join(dataDir, "bad.jsonl");
    writeFileSync(path, '{"messages":[{"role":"user","content":"x"}]}\n{oops\n');
    const result = await run(["upload", path]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/line 1: no assistant message/);
    expect(result.err).toMatch(/line 2: invalid JSON/);
  });

  it("passes --trainable to the job: the openai backend refuses it, naming the field", async () => {
    const path = join(dataDir, "train-trainable.jsonl");
    writeFileSync(path, chatJsonl([["Who is Zorblax?", "A dragon."]]));
    const result = await run(["create", "--model", "gpt-4o-mini", "--file", path, "--trainable", "last_layers:2", "--no-watch"]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/hyperparameters\.trainable/);
  });

  it("shows usage for an incomplete command", async () => {
    const result = await run(["create"]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/Usage:/);
  });
});
