/**
 * A local training job interrupted by a restart resumes from its last checkpoint; a cancelled one
 * stops its trainer and registers nothing. Runs on a tiny model made here.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { writeTinyLlamaGguf } from "../local/gguf-writer.js";
import { completionJsonl, tinySentences } from "./datasets.js";

describe("local fine-tuning job lifecycle", () => {
  let dataDir: string;
  let app: App;
  const start = async () => {
    app = await createApp({
      config: {
        server: { data_dir: dataDir, log_level: "silent" },
        providers: { local: { type: "local", threads: 1, context_size: 512, parallel: 1, probe_load: false } },
        fine_tuning: { local: { threads: 1 } },
      },
    });
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "swy-ft-life-"));
    mkdirSync(join(dataDir, "models"), { recursive: true });
    writeTinyLlamaGguf(join(dataDir, "models", "base.gguf"), { seed: 5 });
    await start();
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const get = async (path: string) => (await app.server.inject({ method: "GET", url: path })).json();
  const createJob = async (epochs: number) => {
    const boundary = "swyboundary";
    const payload =
      `--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nfine-tune\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="t.jsonl"\r\n\r\n${completionJsonl(tinySentences(60))}\r\n--${boundary}--\r\n`;
    const file = (await app.server.inject({ method: "POST", url: "/v1/files", payload, headers: { "content-type": `multipart/form-data; boundary=${boundary}` } })).json() as { id: string };
    const response = await app.server.inject({
      method: "POST",
      url: "/v1/fine_tuning/jobs",
      payload: { model: "local/base", training_file: file.id, hyperparameters: { n_epochs: epochs, learning_rate_multiplier: 10 } },
    });
    expect(response.statusCode, response.body).toBe(200);
    return (response.json() as { id: string }).id;
  };
  const until = async (check: () => Promise<boolean>) => {
    while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 100));
  };

  it("resumes from the last checkpoint after a restart and finishes", async () => {
    const id = await createJob(3);
    await until(async () => ((await get(`/v1/fine_tuning/jobs/${id}/checkpoints`)) as { data: unknown[] }).data.length >= 1);
    await app.close();
    await start();
    await until(async () => ["succeeded", "failed"].includes(((await get(`/v1/fine_tuning/jobs/${id}`)) as { status: string }).status));
    const job = (await get(`/v1/fine_tuning/jobs/${id}`)) as { status: string; error: unknown; fine_tuned_model: string };
    expect(job.error).toBeNull();
    expect(job.status).toBe("succeeded");
    const messages = ((await get(`/v1/fine_tuning/jobs/${id}/events?limit=100`)) as { data: Array<{ message: string }> }).data.map((event) => event.message);
    expect(messages.some((message) => message.startsWith("Resumed after a restart"))).toBe(true);
    expect(messages.some((message) => /^Resuming from the checkpoint after epoch [12]$/.test(message))).toBe(true);
    const models = ((await get("/v1/models")) as { data: Array<{ id: string }> }).data.map((model) => model.id);
    expect(models).toContain(job.fine_tuned_model);
  }, 120_000);

  it("cancels a running job: the trainer stops and no model is registered", async () => {
    const id = await createJob(50);
    await until(async () => ((await get(`/v1/fine_tuning/jobs/${id}`)) as { metrics: unknown[] }).metrics.length > 0);
    const cancelled = await app.server.inject({ method: "POST", url: `/v1/fine_tuning/jobs/${id}/cancel` });
    expect(cancelled.json()).toMatchObject({ status: "cancelled" });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const job = (await get(`/v1/fine_tuning/jobs/${id}`)) as { status: string; fine_tuned_model: string | null };
    expect(job).toMatchObject({ status: "cancelled", fine_tuned_model: null });
    const files = readdirSync(join(dataDir, "models"));
    expect(files.filter((file) => file.includes(id.replace(/[^A-Za-z0-9]/g, "").toLowerCase()) && !file.includes("-epoch-"))).toEqual([]);
  }, 120_000);
});
