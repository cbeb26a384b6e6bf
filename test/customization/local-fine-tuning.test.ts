/**
 * End to end through the HTTP API: upload a dataset, fine-tune a GGUF model on this CPU with
 * llama.cpp's training engine, and call the new `ft:` model. Uses ../shared/models/stories260K.gguf
 * (a real TinyStories model) when present, else a tiny random model made here.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { hasStories as hasStoriesModel, STORIES_MODEL } from "../local/fixtures.js";
import { writeTinyLlamaGguf } from "../local/gguf-writer.js";
import { waitFor } from "../helpers/wait.js";
import { completionJsonl, tinySentences, zorblaxStories } from "./datasets.js";

// SWY_TEST_TINY_MODEL=1 runs the fallback flow even where the real model exists.
const hasStories = hasStoriesModel && !process.env.SWY_TEST_TINY_MODEL;
const STORIES = STORIES_MODEL;

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
      // Held out: the same words in orders the training text never has.
      validation: completionJsonl(["the big red cat sat on the mat and the dog was big", "a red dog sat on a big mat and the cat was red"]),
      prompt: "the big red",
      learned: " on the ",
      epochs: 8,
      // A random model starts far from any text, so it needs bigger steps than a trained one.
      learningRateMultiplier: 30,
    };

function multipart(purpose: string, filename: string, content: string) {
  const boundary = "----swyboundary";
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
    const trainingLines = new Set(scenario.training.trim().split("\n"));
    expect(scenario.validation.trim().split("\n").filter((line) => trainingLines.has(line))).toEqual([]);
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

    interface JobView {
      status: string;
      fine_tuned_model: string | null;
      error: unknown;
      metrics: Array<{ step: number; total_steps?: number; epoch: number; train_loss: number }>;
      evaluation: { base_valid_loss: number; final_valid_loss: number } | null;
    }
    const current = await waitFor(async () => {
      const view = (await app.server.inject({ method: "GET", url: `/v1/fine_tuning/jobs/${job.id}` })).json() as JobView;
      return ["succeeded", "failed", "cancelled"].includes(view.status) ? view : undefined;
    }, 120_000, "the training job to end", 200);
    expect(current.error).toBeNull();
    expect(current.status).toBe("succeeded");
    expect(current.fine_tuned_model).toBe(`ft:local/base:demo:${job.id}`);

    // The loss curve goes down and the held-out loss ends below the base model's.
    expect(current.metrics.length).toBeGreaterThan(2);
    expect(current.metrics.at(-1)!.train_loss).toBeLessThan(current.metrics[0]!.train_loss);
    expect(current.evaluation!.final_valid_loss).toBeLessThan(current.evaluation!.base_valid_loss);

    // Every step of every epoch is on the loss curve, in order, up to the total the job announced.
    const steps = current.metrics.map((metric) => metric.step);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(new Set(steps).size).toBe(steps.length);
    expect(current.metrics.at(-1)!.step).toBe(current.metrics.at(-1)!.total_steps);
    expect(new Set(current.metrics.map((metric) => metric.epoch))).toEqual(new Set(Array.from({ length: scenario.epochs }, (_, index) => index + 1)));

    const events = (await app.server.inject({ method: "GET", url: `/v1/fine_tuning/jobs/${job.id}/events?limit=100` })).json() as {
      data: Array<{ message: string; type: string; data?: { epoch: number; train_loss: number; valid_loss: number | null } }>;
    };
    expect(events.data[0]!.message).toBe("The job has successfully completed");
    // One metrics event per epoch, each with the loss on the held-out text; the last is the final evaluation.
    const epochs = events.data.filter((event) => event.type === "metrics").map((event) => event.data!).reverse();
    expect(epochs.map((epoch) => epoch.epoch)).toEqual(Array.from({ length: scenario.epochs }, (_, index) => index + 1));
    for (const epoch of epochs) {
      expect(Number.isFinite(epoch.train_loss)).toBe(true);
      expect(Number.isFinite(epoch.valid_loss)).toBe(true);
    }
    expect(epochs.at(-1)!.valid_loss).toBeCloseTo(current.evaluation!.final_valid_loss, 6);
    // Held-out text is measured apart from the training text: its loss is not the training loss.
    expect(epochs.every((epoch) => epoch.valid_loss !== epoch.train_loss)).toBe(true);

    const checkpoints = (await app.server.inject({ method: "GET", url: `/v1/fine_tuning/jobs/${job.id}/checkpoints` })).json() as {
      data: Array<{ fine_tuned_model_checkpoint: string; step_number: number; metrics: { train_loss: number; valid_loss?: number } }>;
    };
    expect(checkpoints.data.length).toBe(scenario.epochs - 1);
    for (const checkpoint of checkpoints.data) {
      expect(checkpoint.metrics.valid_loss).toBeCloseTo(epochs[checkpoint.step_number - 1]!.valid_loss!, 6);
    }

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
