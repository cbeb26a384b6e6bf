/**
 * The `trainable` hyperparameter through the fine-tuning API: validated (400 naming the field, at the
 * top level and under method.supervised), refused for the openai backend, defaulted for local jobs,
 * honoured by the trainer (events name what trained; the ft: model and its checkpoint answer), and a
 * policy too deep for llama.cpp's graph fails the job with a reason that says what to change.
 * Runs on tiny models made here.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { DEFAULT_TRAINABLE } from "../../src/customization/trainer/trainable-policy.js";
import { writeTinyLlamaGguf } from "../local/gguf-writer.js";
import { waitFor } from "../helpers/wait.js";
import { completionJsonl, tinySentences } from "./datasets.js";

interface JobView {
  id: string;
  status: string;
  fine_tuned_model: string | null;
  error: { code: string; message: string; param: string | null } | null;
  hyperparameters: Record<string, unknown>;
  method: { supervised: { hyperparameters: Record<string, unknown> } };
}

describe("the trainable hyperparameter", () => {
  let dataDir: string;
  let app: App;
  let fileId: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "swy-ft-trainable-"));
    mkdirSync(join(dataDir, "models"), { recursive: true });
    writeTinyLlamaGguf(join(dataDir, "models", "base.gguf"), { seed: 9 });
    // As many blocks as SmolLM2-135M: llama.cpp's graph holds the backward pass through only about half of them.
    writeTinyLlamaGguf(join(dataDir, "models", "deep.gguf"), { seed: 10, layers: 30, dim: 32 });
    // Stored like a downloaded model (the default SmolLM2-360M-Instruct is Q8_0).
    writeTinyLlamaGguf(join(dataDir, "models", "quantized.gguf"), { seed: 12, matrixType: "q8_0" });
    app = await createApp({
      config: {
        server: { data_dir: dataDir, log_level: "silent" },
        providers: { local: { type: "local", threads: 1, context_size: 512, parallel: 1, probe_load: false } },
        fine_tuning: { local: { threads: 1 } },
      },
    });
    const boundary = "swyboundary";
    const payload =
      `--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nfine-tune\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="t.jsonl"\r\n\r\n${completionJsonl(tinySentences(40))}\r\n--${boundary}--\r\n`;
    const upload = await app.server.inject({ method: "POST", url: "/v1/files", payload, headers: { "content-type": `multipart/form-data; boundary=${boundary}` } });
    expect(upload.statusCode, upload.body).toBe(200);
    fileId = (upload.json() as { id: string }).id;
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const create = (payload: Record<string, unknown>) =>
    app.server.inject({ method: "POST", url: "/v1/fine_tuning/jobs", payload: { training_file: fileId, ...payload } });
  const job = async (id: string) => (await app.server.inject({ method: "GET", url: `/v1/fine_tuning/jobs/${id}` })).json() as JobView;
  const ended = (id: string, deadlineMs: number) =>
    waitFor(async () => {
      const view = await job(id);
      return ["succeeded", "failed", "cancelled"].includes(view.status) ? view : undefined;
    }, deadlineMs, `job ${id} to end`, 100);

  it.each([
    [{ hyperparameters: { trainable: "layers:3" } }, "hyperparameters.trainable"],
    [{ hyperparameters: { trainable: "last_layers:0" } }, "hyperparameters.trainable"],
    [{ hyperparameters: { trainable: 8 } }, "hyperparameters.trainable"],
    [{ method: { type: "supervised", supervised: { hyperparameters: { trainable: "everything" } } } }, "method.supervised.hyperparameters.trainable"],
  ])("rejects %j with a 400 naming the field", async (body, param) => {
    const response = await create({ model: "local/base", ...body });
    expect(response.statusCode, response.body).toBe(400);
    const error = (response.json() as { error: { param: string; message: string } }).error;
    expect(error.param).toBe(param);
    expect(error.message).toContain(param);
  });

  it("refuses a trainable policy for the openai backend (it trains whole models upstream)", async () => {
    const response = await create({ model: "local/base", backend: "openai", hyperparameters: { trainable: "last_layers:2" } });
    expect(response.statusCode, response.body).toBe(400);
    expect((response.json() as { error: { param: string } }).error.param).toBe("hyperparameters.trainable");
  });

  it("defaults local jobs to the documented policy", async () => {
    const response = await create({ model: "local/base", hyperparameters: { n_epochs: 1, learning_rate_multiplier: 10 } });
    expect(response.statusCode, response.body).toBe(200);
    const view = response.json() as JobView;
    expect(view.hyperparameters.trainable).toBe(DEFAULT_TRAINABLE);
    expect(view.method.supervised.hyperparameters.trainable).toBe(DEFAULT_TRAINABLE);
    expect((await ended(view.id, 120_000)).status).toBe("succeeded");
  }, 150_000);

  it("trains only the last block when asked; the ft: model and its checkpoint answer", async () => {
    const response = await create({
      model: "local/base",
      method: { type: "supervised", supervised: { hyperparameters: { n_epochs: 2, learning_rate_multiplier: 10, trainable: "last_layers:1" } } },
    });
    expect(response.statusCode, response.body).toBe(200);
    const id = (response.json() as JobView).id;
    const done = await ended(id, 120_000);
    expect(done.error).toBeNull();
    expect(done.status).toBe("succeeded");
    expect(done.hyperparameters.trainable).toBe("last_layers:1");

    const events = (await app.server.inject({ method: "GET", url: `/v1/fine_tuning/jobs/${id}/events?limit=100` })).json() as {
      data: Array<{ message: string; data?: Record<string, unknown> }>;
    };
    const chosen = events.data.find((event) => event.message.startsWith("Training "));
    // Block 1 of 2: attn_norm, attn_q, attn_output, ffn_norm, ffn_gate, ffn_up, ffn_down, plus output_norm.
    expect(chosen?.data).toMatchObject({ trainable: "last_layers:1", tensors: 8 });
    expect(chosen!.data!.trainable_parameters as number).toBeLessThan(chosen!.data!.total_parameters as number);
    const memory = events.data.find((event) => event.message.startsWith("Trainer peak memory"));
    expect(memory?.data?.peak_rss_bytes as number).toBeGreaterThan(10 * 2 ** 20);

    const checkpoints = (await app.server.inject({ method: "GET", url: `/v1/fine_tuning/jobs/${id}/checkpoints` })).json() as {
      data: Array<{ fine_tuned_model_checkpoint: string }>;
    };
    expect(checkpoints.data).toHaveLength(1);
    for (const model of [done.fine_tuned_model!, checkpoints.data[0]!.fine_tuned_model_checkpoint]) {
      const completion = await app.server.inject({ method: "POST", url: "/v1/completions", payload: { model, prompt: "the big", max_tokens: 4, temperature: 0 } });
      expect(completion.statusCode, completion.body).toBe(200);
    }
  }, 150_000);

  it("fine-tunes a Q8_0 model with the default policy and serves the result", async () => {
    const response = await create({ model: "local/quantized", hyperparameters: { n_epochs: 1, learning_rate_multiplier: 10 } });
    expect(response.statusCode, response.body).toBe(200);
    const done = await ended((response.json() as JobView).id, 120_000);
    expect(done.error).toBeNull();
    expect(done.status).toBe("succeeded");
    const completion = await app.server.inject({ method: "POST", url: "/v1/completions", payload: { model: done.fine_tuned_model, prompt: "the big", max_tokens: 4, temperature: 0 } });
    expect(completion.statusCode, completion.body).toBe(200);
  }, 150_000);

  it("fails a job whose policy reaches every block of a deep model, saying which hyperparameter to change", async () => {
    const response = await create({ model: "local/deep", hyperparameters: { n_epochs: 1, trainable: "all" } });
    expect(response.statusCode, response.body).toBe(200);
    const failed = await ended((response.json() as JobView).id, 120_000);
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatchObject({ param: "hyperparameters.trainable" });
    expect(failed.error!.message).toContain("last_layers:N");

    const fits = await create({ model: "local/deep", hyperparameters: { n_epochs: 1, trainable: "last_layers:8" } });
    expect((await ended((fits.json() as JobView).id, 120_000)).status).toBe("succeeded");
  }, 250_000);
});
