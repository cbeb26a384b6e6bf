/**
 * `POST /v1/fine_tuning/estimates`: the console shows what a job would train, cost and take before it is
 * started. Same body and checks as creating a job; nothing is created; another project's file is unknown.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { completionJsonl } from "./datasets.js";
import { DEFAULT_TRAINABLE } from "../../src/customization/trainer/trainable-policy.js";

const MASTER = "sk-master-estimate";

describe("fine-tuning estimates", () => {
  let dataDir: string;
  let app: App;
  const keys: string[] = [];
  const as = (index: number) => ({ authorization: `Bearer ${keys[index]}` });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "swy-ft-estimate-"));
    app = await createApp({
      env: { SWITCHYARD_MASTER_KEY: MASTER },
      config: {
        server: { data_dir: dataDir, log_level: "silent" },
        providers: { local: { type: "local", probe_load: false } },
        fine_tuning: { local: { threads: 1, tokens_per_second: 100 } },
      },
    });
    for (const name of ["alpha", "beta"]) {
      const project = (await app.server.inject({ method: "POST", url: "/admin/projects", headers: { authorization: `Bearer ${MASTER}` }, payload: { name } })).json() as { id: string };
      const key = await app.server.inject({ method: "POST", url: "/admin/keys", headers: { authorization: `Bearer ${MASTER}` }, payload: { project_id: project.id } });
      keys.push((key.json() as { key: string }).key);
    }
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function upload(index: number, purpose: string, content: string): Promise<{ id: string; dataset?: { statistics: { totalTokens: number; examples: number } } }> {
    const boundary = "estimateboundary";
    const payload =
      `--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\n${purpose}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="t.jsonl"\r\n\r\n${content}\r\n--${boundary}--\r\n`;
    const response = await app.server.inject({ method: "POST", url: "/v1/files", payload, headers: { ...as(index), "content-type": `multipart/form-data; boundary=${boundary}` } });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  }

  const estimate = (index: number, body: unknown) => app.server.inject({ method: "POST", url: "/v1/fine_tuning/estimates", headers: as(index), payload: body as object });

  it("answers the trained tokens, cost and time for the job's own epochs, from the file's validated statistics", async () => {
    const file = await upload(0, "fine-tune", completionJsonl(["the big red dog sat on the mat", "the cat was big and the dog was red"]));
    const total = file.dataset!.statistics.totalTokens;
    expect(total).toBeGreaterThan(0);

    const answer = await estimate(0, { model: "local/base", training_file: file.id, hyperparameters: { n_epochs: 7, learning_rate_multiplier: 2 } });
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json()).toEqual({
      object: "fine_tuning.estimate",
      model: "local/base",
      training_file: file.id,
      backend: "local",
      // A local job also settles which tensors train (docs/customization.md, `trainable`).
      hyperparameters: { n_epochs: 7, learning_rate_multiplier: 2, batch_size: 1, trainable: DEFAULT_TRAINABLE },
      statistics: file.dataset!.statistics,
      // Two short examples fill less than one 256-token window, which the trainer runs through once per epoch.
      trained_tokens: 256 * 7,
      cost_usd: 0,
      // The configured speed (100 tokens/s per thread, one thread) overrides what the model's shape would give.
      seconds: Math.ceil((256 * 7) / 100),
      tokens_per_second: 100,
      speed_basis: "configured",
    });
    // "auto" epochs are the job's default of 3.
    expect((await estimate(0, { model: "local/base", training_file: file.id, hyperparameters: { n_epochs: "auto" } })).json()).toMatchObject({ trained_tokens: 256 * 3 });
    // Nothing was created.
    const jobs = await app.server.inject({ method: "GET", url: "/v1/fine_tuning/jobs", headers: as(0) });
    expect(jobs.json().data).toEqual([]);
  });

  it("refuses what creating the job would refuse, with the field named", async () => {
    const file = await upload(0, "fine-tune", completionJsonl(["the dog sat"]));
    const otherProject = await estimate(1, { model: "local/base", training_file: file.id });
    expect(otherProject.statusCode).toBe(400);
    expect(otherProject.json().error).toMatchObject({ param: "training_file", message: `No such training file: '${file.id}'.` });

    const batchFile = await upload(0, "batch", '{"custom_id":"a"}');
    const notDataset = await estimate(0, { model: "local/base", training_file: batchFile.id });
    expect(notDataset.statusCode).toBe(400);
    expect(notDataset.json().error).toMatchObject({ param: "training_file" });
    expect(notDataset.json().error.message).toMatch(/purpose fine-tune/);

    const badEpochs = await estimate(0, { model: "local/base", training_file: file.id, hyperparameters: { n_epochs: 0 } });
    expect(badEpochs.statusCode).toBe(400);
    expect(badEpochs.json().error.param).toMatch(/n_epochs/);

    const noBackend = await estimate(0, { model: "somewhere/else", training_file: file.id });
    expect(noBackend.statusCode).toBe(400);
    expect(noBackend.json().error.param).toBe("model");
  });
});
