/**
 * End to end through the HTTP API: upload a dataset, fine-tune a GGUF model on this CPU with
 * llama.cpp's training engine, and call the new `ft:` model. Uses ../shared/models/stories260K.gguf
 * (a real TinyStories model) when present, else a tiny random model made here.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { writeTinyLlamaGguf } from "../local/gguf-writer.js";
import { completionJsonl, tinySentences, zorblaxStories } from "./datasets.js";

const STORIES = resolve(import.meta.dirname, "../../../shared/models/stories260K.gguf");
// SWY_TEST_TINY_MODEL=1 runs the fallback flow even where the real model exists.
const hasStories = existsSync(STORIES) && !process.env.SWY_TEST_TINY_MODEL;

const scenario = hasStories
  ? {
      label: "stories260K learns about Zorblax",
      training: completionJsonl(zorblaxStories(16)),
      validation: completionJsonl(zorblaxStories(20).slice(16)),
      prompt: "Once upon a time, there was a dragon named",
      learned: "Zorblax",
      epochs: 3,
      learningRateMultiplier: 1,
    }
  : {
      label: "a tiny generated model learns a sentence",
      training: completionJsonl(tinySentences(80)),
      validation: completionJsonl(tinySentences(2)),
      prompt: "the big red",
      learned: " on the ",
      epochs: 8,
      // A random model starts far from any text, so it needs bigger steps than a trained one.
      learningRateMultiplier: 30,
    };

function multipart(purpose: string, filename: string, content: string) {
  const boundary = "----swy" + Math.random().toString(16).slice(2);
  const body =
    `--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\n${purpose}\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/jsonl\r\n\r\n${content}\r\n` +
    `--${boundary}--\r\n`;
  return { payload: body, headers: { "content-type": `multipart/form-data; boundary=${boundary}` } };
}

describe(`local fine-tuning end to end: ${scenario.label}`, () => {
  let dataDir: string;
  let app: App;
  const config = () => ({
    server: { data_dir: dataDir, log_level: "silent" },
    providers: { local: { type: "local", threads: 1, context_size: 512, parallel: 1, probe_load: false } },
    fine_tuning: { local: { threads: 1 } },
  });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "swy-ft-"));
    mkdirSync(join(dataDir, "models"), { recursive: true });
    if (hasStories) copyFileSync(STORIES, join(dataDir, "models", "base.gguf"));
    else writeTinyLlamaGguf(join(dataDir, "models", "base.gguf"), { seed: 3 });
    app = await createApp({ config: config() });
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const complete = async (model: string) => {
    const response = await app.server.inject({
      method: "POST",
      url: "/v1/completions",
      payload: { model, prompt: scenario.prompt, max_tokens: 16, temperature: 0 },
    });
    expect(response.statusCode, response.body).toBe(200);
    return (response.json() as { choices: Array<{ text: string }> }).choices[0]!.text;
  };

  it("trains, lowers held-out loss, registers ft:<base>:<suffix>:<id>, and the new model uses what it learned", async () => {
    const upload = async (content: string) => {
      const response = await app.server.inject({ method: "POST", url: "/v1/files", ...multipart("fine-tune", "data.jsonl", content) });
      expect(response.statusCode, response.body).toBe(200);
      return response.json() as { id: string; dataset: { statistics: { examples: number } } };
    };
    const training = await upload(scenario.training);
    const validation = await upload(scenario.validation);
    expect(training.dataset.statistics.examples).toBeGreaterThan(1);

    const created = await app.server.inject({
      method: "POST",
      url: "/v1/fine_tuning/jobs",
      payload: {
        model: "local/base",
        training_file: training.id,
        validation_file: validation.id,
        suffix: "demo",
        hyperparameters: { n_epochs: scenario.epochs, learning_rate_multiplier: scenario.learningRateMultiplier },
      },
    });
    expect(created.statusCode, created.body).toBe(200);
    const job = created.json() as { id: string; status: string; backend: string };
    expect(job.status).toBe("validating_files");
    expect(job.backend).toBe("local");

    let current: {
      status: string;
      fine_tuned_model: string | null;
      error: unknown;
      metrics: Array<{ train_loss: number }>;
      evaluation: { base_valid_loss: number; final_valid_loss: number } | null;
    };
    const seen = new Set<string>();
    for (;;) {
      current = (await app.server.inject({ method: "GET", url: `/v1/fine_tuning/jobs/${job.id}` })).json();
      seen.add(current.status);
      if (["succeeded", "failed", "cancelled"].includes(current.status)) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(current.error).toBeNull();
    expect(current.status).toBe("succeeded");
    expect(current.fine_tuned_model).toBe(`ft:local/base:demo:${job.id}`);

    // The loss curve goes down and the held-out loss ends below the base model's.
    expect(current.metrics.length).toBeGreaterThan(2);
    expect(current.metrics.at(-1)!.train_loss).toBeLessThan(current.metrics[0]!.train_loss);
    expect(current.evaluation!.final_valid_loss).toBeLessThan(current.evaluation!.base_valid_loss);

    const events = (await app.server.inject({ method: "GET", url: `/v1/fine_tuning/jobs/${job.id}/events?limit=100` })).json() as {
      data: Array<{ message: string; type: string }>;
    };
    expect(events.data[0]!.message).toBe("The job has successfully completed");
    expect(events.data.some((event) => event.type === "metrics")).toBe(true);
    const checkpoints = (await app.server.inject({ method: "GET", url: `/v1/fine_tuning/jobs/${job.id}/checkpoints` })).json() as {
      data: Array<{ fine_tuned_model_checkpoint: string; step_number: number }>;
    };
    expect(checkpoints.data.length).toBe(scenario.epochs - 1);

    const models = (await app.server.inject({ method: "GET", url: "/v1/models" })).json() as { data: Array<{ id: string }> };
    expect(models.data.map((model) => model.id)).toContain(current.fine_tuned_model);

    const tuned = await complete(current.fine_tuned_model!);
    const base = await complete("local/base");
    expect(tuned).toContain(scenario.learned);
    expect(base).not.toContain(scenario.learned);

    // After a restart the job is still there and its model is routable again.
    await app.close();
    app = await createApp({ config: config() });
    const again = (await app.server.inject({ method: "GET", url: `/v1/fine_tuning/jobs/${job.id}` })).json() as { status: string };
    expect(again.status).toBe("succeeded");
    const listed = (await app.server.inject({ method: "GET", url: "/v1/models" })).json() as { data: Array<{ id: string }> };
    expect(listed.data.map((model) => model.id)).toContain(checkpoints.data[0]!.fine_tuned_model_checkpoint);
    expect(await complete(current.fine_tuned_model!)).toContain(scenario.learned);
  }, 180_000);
});
