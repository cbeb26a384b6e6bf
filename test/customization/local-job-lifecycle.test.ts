/**
 * A local training job interrupted by a restart resumes from its last checkpoint; a cancelled one
 * stops its trainer (the child process is gone), drops its work files and registers nothing; a job
 * waiting in line can be cancelled without disturbing the run ahead of it or the jobs behind it.
 * Runs on a tiny model made here.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { writeTinyLlamaGguf } from "../local/gguf-writer.js";
import { childProcesses, isAlive } from "../helpers/processes.js";
import { waitFor } from "../helpers/wait.js";
import { completionJsonl, tinySentences } from "./datasets.js";

/** The trainer's entry file: every local training run is a child process running it. */
const TRAINER = "train-process";

interface JobView {
  status: string;
  fine_tuned_model: string | null;
  error: unknown;
  metrics: unknown[];
}

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
  const job = async (id: string) => (await get(`/v1/fine_tuning/jobs/${id}`)) as JobView;
  const messages = async (id: string) =>
    ((await get(`/v1/fine_tuning/jobs/${id}/events?limit=100`)) as { data: Array<{ message: string }> }).data.map((event) => event.message);
  const workDirectory = (id: string) => join(dataDir, "fine-tuning", id);
  const cancel = async (id: string) => {
    const response = await app.server.inject({ method: "POST", url: `/v1/fine_tuning/jobs/${id}/cancel` });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ status: "cancelled" });
  };
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
  const statusOf = (id: string, status: string, deadlineMs: number) =>
    waitFor(async () => (await job(id)).status === status, deadlineMs, `job ${id} to be ${status}`);
  const training = (id: string, deadlineMs: number) =>
    waitFor(async () => {
      const view = await job(id);
      return view.status === "running" && view.metrics.length > 0;
    }, deadlineMs, `job ${id} to report its first training step`);
  /** The one trainer process alive now. */
  const theTrainer = () => {
    const trainers = childProcesses(TRAINER);
    expect(trainers).toHaveLength(1);
    return trainers[0]!;
  };
  const gone = async (trainer: number, id: string) => {
    await waitFor(() => !isAlive(trainer), 15_000, `the trainer ${trainer} to exit`);
    expect(childProcesses(TRAINER)).not.toContain(trainer);
    await waitFor(() => !existsSync(workDirectory(id)), 15_000, `the work folder of ${id} to be removed`);
  };

  it("resumes from the last checkpoint after a restart and finishes", async () => {
    const id = await createJob(3);
    await waitFor(async () => ((await get(`/v1/fine_tuning/jobs/${id}/checkpoints`)) as { data: unknown[] }).data.length >= 1, 60_000, "the first checkpoint");
    await app.close();
    expect(childProcesses(TRAINER)).toEqual([]);
    await start();
    await waitFor(async () => ["succeeded", "failed"].includes((await job(id)).status), 90_000, "the resumed job to end");
    const done = await job(id);
    expect(done.error).toBeNull();
    expect(done.status).toBe("succeeded");
    const events = await messages(id);
    expect(events.some((message) => message.startsWith("Resumed after a restart"))).toBe(true);
    expect(events.some((message) => /^Resuming from the checkpoint after epoch [12]$/.test(message))).toBe(true);
    const models = ((await get("/v1/models")) as { data: Array<{ id: string }> }).data.map((model) => model.id);
    expect(models).toContain(done.fine_tuned_model);
    expect(existsSync(workDirectory(id))).toBe(false);
  }, 180_000);

  it("cancels a running job: the trainer process is gone, its work folder removed, and no model is registered", async () => {
    const id = await createJob(50);
    await training(id, 60_000);
    const trainer = theTrainer();
    expect(existsSync(workDirectory(id))).toBe(true);

    await cancel(id);
    await gone(trainer, id);
    expect(childProcesses(TRAINER)).toEqual([]);
    const cancelled = await job(id);
    expect(cancelled).toMatchObject({ status: "cancelled", fine_tuned_model: null });
    const name = `ft-${id.replace(/[^A-Za-z0-9]/g, "").toLowerCase()}`;
    expect(readdirSync(join(dataDir, "models")).filter((file) => file.startsWith(`${name}.`))).toEqual([]);
    const models = ((await get("/v1/models")) as { data: Array<{ id: string }> }).data.map((model) => model.id);
    expect(models.filter((model) => model.includes(id) && !model.includes(":ckpt-"))).toEqual([]);
  }, 120_000);

  it("cancels a queued job: it never starts, the run ahead keeps going, and the job behind waits its turn", async () => {
    const ahead = await createJob(50);
    await training(ahead, 60_000);
    const trainer = theTrainer();
    const waiting = await createJob(50);
    const behind = await createJob(50);
    await statusOf(waiting, "queued", 30_000);
    await statusOf(behind, "queued", 30_000);

    await cancel(waiting);
    // Let the run ahead make progress after the cancel, so a job that wrongly took the freed place would show.
    const stepsAtCancel = (await job(ahead)).metrics.length;
    await waitFor(async () => (await job(ahead)).metrics.length > stepsAtCancel, 30_000, "more training steps of the run ahead");
    expect(childProcesses(TRAINER)).toEqual([trainer]);
    expect((await job(ahead)).status).toBe("running");
    expect((await job(behind)).status).toBe("queued");
    expect((await job(waiting)).status).toBe("cancelled");
    expect(await messages(waiting)).not.toContain("Fine-tuning job started on the local backend");
    expect(existsSync(workDirectory(waiting))).toBe(false);

    // Once the run ahead ends, the job behind the cancelled one gets its turn.
    await cancel(ahead);
    await gone(trainer, ahead);
    await training(behind, 60_000);
    const next = theTrainer();
    expect(next).not.toBe(trainer);
    await cancel(behind);
    await gone(next, behind);
    expect(childProcesses(TRAINER)).toEqual([]);
    expect(await messages(waiting)).not.toContain("Fine-tuning job started on the local backend");
  }, 180_000);
});
