/**
 * The files API and the `openai` fine-tuning backend against an emulator of OpenAI's fine-tuning
 * API, through the official openai SDK; jobs survive a restart without a second upstream job.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI, { toFile } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startFineTuningEmulator, type FineTuningEmulator } from "../emulators/openai-fine-tuning/server.js";
import { waitFor } from "../helpers/wait.js";
import { chatJsonl } from "./datasets.js";

const dataset = chatJsonl([
  ["Who is Zorblax?", "A friendly dragon."],
  ["Where does Zorblax live?", "In the forest."],
]);

describe("files API and the openai fine-tuning backend", () => {
  let dataDir: string;
  let chat: OpenaiEmulator;
  let upstream: FineTuningEmulator;
  let app: App;
  let client: OpenAI;

  const start = async (pollMs: number) => {
    app = await createApp({
      config: {
        server: { data_dir: dataDir, log_level: "silent" },
        providers: { openai: { type: "openai", base_url: chat.baseURL, api_key: "none" } },
        fine_tuning: { openai: { base_url: upstream.baseURL, api_key: "env:FT_KEY", provider: "openai", poll_interval_ms: pollMs } },
      },
      env: { ...process.env, FT_KEY: "sk-ft" },
    });
    const address = await app.server.listen({ port: 0, host: "127.0.0.1" });
    client = new OpenAI({ baseURL: `${address}/v1`, apiKey: "unused", maxRetries: 0 });
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "swy-ft-openai-"));
    chat = await startOpenaiEmulator();
    upstream = await startFineTuningEmulator({ apiKey: "sk-ft" });
    await start(20);
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all([chat?.close(), upstream?.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const statusIn = (id: string, statuses: string[]) =>
    waitFor(async () => {
      const job = await client.fineTuning.jobs.retrieve(id);
      return statuses.includes(job.status) ? job : undefined;
    }, 20_000, `job ${id} to reach ${statuses.join(" or ")}`, 25);
  /** The upstream job's id, once the gateway has created it (persisted before the first poll). */
  const upstreamJobOf = (id: string) =>
    waitFor(async () => {
      const events = await client.fineTuning.jobs.listEvents(id, { limit: 100 });
      const created = events.data.find((event) => event.message.startsWith("Upstream fine-tuning job created: "));
      return created?.message.slice("Upstream fine-tuning job created: ".length);
    }, 20_000, `the upstream job of ${id}`, 25);

  it("uploads, lists, retrieves, reads and deletes files with the SDK", async () => {
    const file = await client.files.create({ file: await toFile(Buffer.from(dataset), "train.jsonl"), purpose: "fine-tune" });
    expect(file).toMatchObject({ object: "file", purpose: "fine-tune", filename: "train.jsonl", bytes: Buffer.byteLength(dataset) });
    const stats = (file as unknown as { dataset: { statistics: { examples: number }; estimates: Array<{ backend: string; cost_usd: number }> } }).dataset;
    expect(stats.statistics.examples).toBe(2);
    expect(stats.estimates.map((estimate) => estimate.backend)).toEqual(["local", "openai"]);
    expect((await client.files.list()).data.map((listed) => listed.id)).toContain(file.id);
    expect((await client.files.retrieve(file.id)).id).toBe(file.id);
    expect(await (await client.files.content(file.id)).text()).toBe(dataset);
    expect(await client.files.delete(file.id)).toMatchObject({ id: file.id, deleted: true });
    await expect(client.files.retrieve(file.id)).rejects.toMatchObject({ status: 404 });
  });

  it("rejects a bad dataset whole, with per-line errors, and stores nothing", async () => {
    const before = (await client.files.list()).data.length;
    const bad = '{"messages":[{"role":"user","content":"hi"}]}\nnot json\n';
    const error = await client.files.create({ file: await toFile(Buffer.from(bad), "bad.jsonl"), purpose: "fine-tune" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const body = (error as InstanceType<typeof OpenAI.BadRequestError>).error as { code: string; report: { errors: Array<{ line: number }> } };
    expect(body.code).toBe("SWY_ERR_INVALID_DATASET");
    expect(body.report.errors.map((issue) => issue.line)).toEqual([1, 2]);
    expect((await client.files.list()).data.length).toBe(before);
    await expect(client.files.create({ file: await toFile(Buffer.from("x"), "a.txt"), purpose: "nonsense" as "batch" })).rejects.toMatchObject({ status: 400 });
  });

  it("runs a job upstream, mirrors events and metrics, and registers the upstream ft: model", async () => {
    const file = await client.files.create({ file: await toFile(Buffer.from(dataset), "train.jsonl"), purpose: "fine-tune" });
    const created = await client.fineTuning.jobs.create({ model: "gpt-4o-mini", training_file: file.id, suffix: "zorblax", seed: 7 });
    expect(created.status).toBe("validating_files");
    const done = await statusIn(created.id, ["succeeded", "failed"]);
    expect(done.error).toBeNull();
    expect(done.fine_tuned_model).toMatch(/^ft:gpt-4o-mini:emulator-org:zorblax:/);
    expect((done as unknown as { metrics: unknown[] }).metrics).toHaveLength(3);
    const events = await client.fineTuning.jobs.listEvents(created.id, { limit: 50 });
    expect(events.data.map((event) => event.message)).toContain("upstream: Fine-tuning job started");
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toContain(done.fine_tuned_model);
    const reply = await client.chat.completions.create({ model: done.fine_tuned_model!, messages: [{ role: "user", content: "hello" }] });
    expect(reply.choices[0]!.message.content).toBeTruthy();
    expect(chat.requests.at(-1)!.body.model).toBe(done.fine_tuned_model);
    expect((await client.fineTuning.jobs.list()).data[0]!.id).toBe(created.id);
  });

  it("reports an upstream failure as a failed job with the reason", async () => {
    const file = await client.files.create({ file: await toFile(Buffer.from(chatJsonl([["FAIL_ME", "no"]])), "t.jsonl"), purpose: "fine-tune" });
    const job = await client.fineTuning.jobs.create({ model: "gpt-4o-mini", training_file: file.id });
    const done = await statusIn(job.id, ["succeeded", "failed"]);
    expect(done.status).toBe("failed");
    expect(done.error?.message).toMatch(/FAIL_ME/);
  });

  it("validates requests with clear 4xx errors and cancels unfinished jobs", async () => {
    await expect(client.fineTuning.jobs.create({ model: "gpt-4o-mini", training_file: "file-missing" })).rejects.toMatchObject({ status: 400 });
    await expect(
      client.fineTuning.jobs.create({ model: "gpt-4o-mini", training_file: "x", hyperparameters: { n_epochs: 0 } }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(client.fineTuning.jobs.retrieve("ftjob-nope")).rejects.toMatchObject({ status: 404 });

    await app.close();
    await start(60_000);
    const file = await client.files.create({ file: await toFile(Buffer.from(dataset), "train.jsonl"), purpose: "fine-tune" });
    const job = await client.fineTuning.jobs.create({ model: "gpt-4o-mini", training_file: file.id });
    await statusIn(job.id, ["running"]);
    const upstreamId = await upstreamJobOf(job.id);
    expect(upstream.jobs.get(upstreamId)?.status).not.toBe("cancelled");
    const cancelled = await client.fineTuning.jobs.cancel(job.id);
    expect(cancelled.status).toBe("cancelled");
    await expect(client.fineTuning.jobs.cancel(job.id)).rejects.toMatchObject({ status: 409 });
    expect((await client.fineTuning.jobs.retrieve(job.id)).status).toBe("cancelled");
    // The spend stops upstream too: the cancel call reached OpenAI's API.
    await waitFor(() => upstream.log.includes(`POST /v1/fine_tuning/jobs/${upstreamId}/cancel`), 10_000, "the upstream cancel call");
    expect(upstream.jobs.get(upstreamId)?.status).toBe("cancelled");
  });

  it("resumes a running job after a restart without creating a second upstream job", async () => {
    const file = await client.files.create({ file: await toFile(Buffer.from(dataset), "train.jsonl"), purpose: "fine-tune" });
    const job = await client.fineTuning.jobs.create({ model: "gpt-4o-mini", training_file: file.id, suffix: "resumed" });
    await statusIn(job.id, ["running"]);
    await upstreamJobOf(job.id);
    const creates = () => upstream.log.filter((line) => line === "POST /v1/fine_tuning/jobs").length;
    const before = creates();
    await app.close();
    await start(20);
    const done = await statusIn(job.id, ["succeeded", "failed"]);
    expect(done.status).toBe("succeeded");
    expect(done.fine_tuned_model).toContain(":resumed:");
    expect(creates()).toBe(before);
    const events = await client.fineTuning.jobs.listEvents(job.id, { limit: 100 });
    expect(events.data.some((event) => event.message.startsWith("Resumed after a restart"))).toBe(true);
  });
});
