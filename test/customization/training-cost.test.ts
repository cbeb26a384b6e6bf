/**
 * Local fine-tuning estimates follow the base model: the cost model (src/customization/fine-tuning/training-cost.ts)
 * against every training speed measured in docs/customization.md, and `POST /v1/fine_tuning/estimates` reading a
 * SmolLM2-360M-shaped GGUF's tensor table with no `tokens_per_second` configured.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { tokensPerSecond, trainingCost } from "../../src/customization/fine-tuning/training-cost.js";
import { llamaShapeTensors, SMOLLM2_135M, SMOLLM2_135M_8_BLOCKS, SMOLLM2_360M, SMOLLM2_360M_Q8_0, writeLlamaShapeHeader, type LlamaShape } from "../local/llama-shapes.js";
import { hasStories, STORIES_MODEL } from "../local/fixtures.js";
import { readGgufLayout } from "../../src/customization/trainer/gguf-dequantize.js";
import { completionJsonl } from "./datasets.js";

const MASTER = "sk-master-training-cost";

/** docs/customization.md: tokens/s at the CPU-time rate, 2 threads, window 256 (bench/local/fine-tune-shapes.ts). */
const MEASURED: Array<[LlamaShape, string, number]> = [
  [SMOLLM2_135M, "last_layers:16", 31.0],
  [SMOLLM2_135M, "last_layers:8", 39.3],
  [SMOLLM2_135M, "last_layers:2", 52.1],
  [SMOLLM2_360M, "last_layers:16", 15.4],
  [SMOLLM2_360M, "last_layers:8", 19.1],
  [SMOLLM2_360M, "last_layers:2", 26.6],
  [SMOLLM2_360M_Q8_0, "last_layers:8", 21.2],
  [SMOLLM2_360M_Q8_0, "last_layers:2", 33.2],
  [SMOLLM2_135M_8_BLOCKS, "all", 57.6],
  [SMOLLM2_135M_8_BLOCKS, "last_layers:2", 101.6],
];

const modelled = (shape: LlamaShape, trainable: string, threads: number) =>
  tokensPerSecond(trainingCost(llamaShapeTensors(shape), shape.layers, trainable, 256), threads);

describe("the training cost model", () => {
  it.each(MEASURED.map(([shape, trainable, measured]) => [shape.name, trainable, measured, shape] as const))("%s with %s stays within 1.6x of the measured %f tokens/s", (_name, trainable, measured, shape) => {
    const ratio = modelled(shape, trainable, 2) / measured;
    expect(ratio).toBeGreaterThan(1 / 1.6);
    expect(ratio).toBeLessThan(1.6);
  });

  it("keeps the measured order: fewer trained blocks are faster, a bigger model is slower", () => {
    for (const shape of [SMOLLM2_135M, SMOLLM2_360M]) {
      expect(modelled(shape, "last_layers:2", 2)).toBeGreaterThan(modelled(shape, "last_layers:8", 2));
      expect(modelled(shape, "last_layers:8", 2)).toBeGreaterThan(modelled(shape, "last_layers:16", 2));
      // `norms` trains a few thousand numbers but its backward pass still runs through every block.
      expect(modelled(shape, "norms", 2)).toBeLessThan(modelled(shape, "last_layers:8", 2));
      expect(modelled(shape, "all", 2)).toBeLessThan(modelled(shape, "norms", 2));
    }
    expect(modelled(SMOLLM2_360M, "last_layers:8", 2)).toBeLessThan(modelled(SMOLLM2_135M, "last_layers:8", 2) / 2);
    expect(modelled(SMOLLM2_135M_8_BLOCKS, "all", 2)).toBeLessThan(modelled(SMOLLM2_135M_8_BLOCKS, "last_layers:2", 2));
  });

  // docs/customization.md: 39 steps of 256 tokens in 14.8 s on one thread.
  it.skipIf(!hasStories)("puts stories260K near its measured ~675 tokens/s on one thread", () => {
    const layout = readGgufLayout(STORIES_MODEL);
    const rate = tokensPerSecond(trainingCost(layout.tensors.map((tensor) => ({ name: tensor.name, dims: tensor.dims.map(Number) })), layout.blockCount ?? 0, "all", 256), 1);
    expect(rate).toBeGreaterThan(675 / 1.6);
    expect(rate).toBeLessThan(675 * 1.6);
  });
});

describe("POST /v1/fine_tuning/estimates for a real model's shape", () => {
  let dataDir: string;
  let app: App;
  let fileId: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "swy-training-cost-"));
    const modelsDir = join(dataDir, "models");
    mkdirSync(modelsDir, { recursive: true });
    // Only the header and tensor table: what the estimate reads, without 1.4 GB of weights.
    writeLlamaShapeHeader(join(modelsDir, "smollm2-360m-shape.gguf"), SMOLLM2_360M);
    app = await createApp({
      env: { SWITCHYARD_MASTER_KEY: MASTER },
      config: {
        server: { data_dir: dataDir, log_level: "silent" },
        providers: { local: { type: "local", probe_load: false, models_dir: modelsDir } },
        // One thread, so the figures do not depend on the machine's cores.
        fine_tuning: { local: { threads: 1 } },
      },
    });
    const boundary = "trainingcostboundary";
    const texts = Array.from({ length: 200 }, (_, index) => `example ${index}: the big red dog sat on the mat and the cat was big`);
    const payload =
      `--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nfine-tune\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="t.jsonl"\r\n\r\n${completionJsonl(texts)}\r\n--${boundary}--\r\n`;
    const upload = await app.server.inject({ method: "POST", url: "/v1/files", payload, headers: { authorization: `Bearer ${MASTER}`, "content-type": `multipart/form-data; boundary=${boundary}` } });
    expect(upload.statusCode, upload.body).toBe(200);
    fileId = (upload.json() as { id: string }).id;
  });

  afterAll(async () => {
    await app?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const estimate = async (model: string, trainable?: string) => {
    const response = await app.server.inject({
      method: "POST",
      url: "/v1/fine_tuning/estimates",
      headers: { authorization: `Bearer ${MASTER}` },
      payload: { model, training_file: fileId, hyperparameters: { n_epochs: 1, ...(trainable ? { trainable } : {}) } },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { trained_tokens: number; seconds: number; tokens_per_second: number; speed_basis: string };
  };

  it("estimates the default policy on a SmolLM2-360M shape within 2x of the measured speed", async () => {
    const answer = await estimate("local/smollm2-360m-shape");
    expect(answer.speed_basis).toBe("model");
    // Measured 19.1 tokens/s on 2 threads (CPU-time rate): 9.55 on the one thread configured here.
    expect(answer.tokens_per_second).toBeGreaterThan(9.55 / 2);
    expect(answer.tokens_per_second).toBeLessThan(9.55 * 2);
    // The old fixed 600 tokens/s per thread was ~60x too fast for this model.
    expect(answer.seconds).toBeGreaterThan(answer.trained_tokens / 20);
    expect(Math.abs(answer.seconds - answer.trained_tokens / answer.tokens_per_second)).toBeLessThan(answer.seconds * 0.01 + 1);
  });

  it("estimates partial training faster than full-weight training of the same model", async () => {
    const full = await estimate("local/smollm2-360m-shape", "all");
    const lastEight = await estimate("local/smollm2-360m-shape", "last_layers:8");
    const lastTwo = await estimate("local/smollm2-360m-shape", "last_layers:2");
    expect(full.trained_tokens).toBe(lastTwo.trained_tokens);
    expect(lastTwo.seconds).toBeLessThan(lastEight.seconds);
    expect(lastEight.seconds).toBeLessThan(full.seconds);
  });

  it("falls back to the default model's measured speed when the base model's file is not here", async () => {
    const answer = await estimate("local/not-pulled-yet");
    expect(answer.speed_basis).toBe("default");
    expect(answer.tokens_per_second).toBe(10.6);
  });
});
