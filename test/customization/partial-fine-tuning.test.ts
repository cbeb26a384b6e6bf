/**
 * A partial fine-tune (the `trainable` policy) trains exactly the tensors it names: in the saved GGUF
 * the frozen ones are byte-identical to the base model's and the trained ones differ, and the model
 * still learns (held-out loss on unseen text drops). Runs llama.cpp's trainer in this process on
 * ../shared/models/stories260K.gguf when present, else on a tiny model made here.
 */
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readGgufFileInfo } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readGgufLayout } from "../../src/customization/trainer/gguf-dequantize.js";
import { trainLlama, type TrainResult } from "../../src/customization/trainer/llama-trainer.js";
import { isTrainable, parseTrainable } from "../../src/customization/trainer/trainable-policy.js";
import { hasStories as hasStoriesModel, STORIES_MODEL } from "../local/fixtures.js";
import { writeTinyLlamaGguf } from "../local/gguf-writer.js";
import { tinySentences, zorblaxStories } from "./datasets.js";

const hasStories = hasStoriesModel && !process.env.SWY_TEST_TINY_MODEL;

const GGML_F32 = 0;
const GGML_Q8_0 = 8;

/** Every tensor's type and bytes, by name (F32 or Q8_0 in these models). */
function tensorBytes(file: string): Map<string, { type: number; bytes: Buffer }> {
  const layout = readGgufLayout(file);
  const result = new Map<string, { type: number; bytes: Buffer }>();
  const fd = openSync(file, "r");
  try {
    for (const tensor of layout.tensors) {
      expect([GGML_F32, GGML_Q8_0]).toContain(tensor.type);
      const count = tensor.dims.reduce((product, dimension) => product * Number(dimension), 1);
      const bytes = Buffer.alloc(tensor.type === GGML_F32 ? count * 4 : (count / 32) * 34);
      readSync(fd, bytes, 0, bytes.length, layout.dataOffset + Number(tensor.offset));
      result.set(tensor.name, { type: tensor.type, bytes });
    }
  } finally {
    closeSync(fd);
  }
  return result;
}

describe(`partial fine-tuning (${hasStories ? "stories260K" : "a tiny generated model"})`, () => {
  let dir: string;
  let base: string;
  const data = hasStories
    ? { training: zorblaxStories(16), validation: zorblaxStories(20).slice(16), learningRate: 5e-4, epochs: 3 }
    : {
        training: tinySentences(80),
        validation: ["the big red cat sat on the mat and the dog was big", "a red dog sat on a big mat and the cat was red"],
        learningRate: 1.5e-2,
        epochs: 6,
      };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "swy-partial-"));
    base = hasStories ? STORIES_MODEL : writeTinyLlamaGguf(join(dir, "base.gguf"), { seed: 3 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const train = (trainable: string, output: string): TrainResult =>
    trainLlama({
      modelPath: base,
      outputPath: output,
      trainingTexts: data.training,
      validationTexts: data.validation,
      epochs: data.epochs,
      learningRate: data.learningRate,
      contextSize: 256,
      threads: 1,
      trainable,
    });

  it("the training and held-out texts differ", () => {
    const training = new Set(data.training);
    expect(data.validation.filter((text) => training.has(text))).toEqual([]);
  });

  for (const trainable of ["last_layers:1", "attention"]) {
    it(`'${trainable}' changes exactly the tensors it names and lowers the held-out loss`, async () => {
      const output = join(dir, `${trainable.replace(":", "-")}.gguf`);
      const result = train(trainable, output);
      const before = tensorBytes(base);
      const after = tensorBytes(output);
      const info = await readGgufFileInfo(base);
      const layers = Number(info.architectureMetadata.block_count);
      const policy = parseTrainable(trainable);

      expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
      const changed = [...before].filter(([name, tensor]) => !tensor.bytes.equals(after.get(name)!.bytes)).map(([name]) => name);
      const named = [...before.keys()].filter((name) => isTrainable(policy, name, layers));
      expect(changed.sort()).toEqual(named.sort());
      expect(result.parameters.tensors.sort()).toEqual(named.sort());
      expect(changed.length).toBeGreaterThan(0);
      expect(changed.length).toBeLessThan(before.size - 1);
      expect(result.parameters.trainable).toBeLessThan(result.parameters.total / 2);

      expect(result.finalValidationLoss!).toBeLessThan(result.baseValidationLoss! * 0.8);
      expect(result.finalTrainLoss).toBeLessThan(result.firstTrainLoss);
    }, 120_000);
  }

  it("'all' changes every tensor but token_embd and the K and V projections (llama.cpp cannot train those)", async () => {
    const output = join(dir, "all.gguf");
    const result = train("all", output);
    const before = tensorBytes(base);
    const after = tensorBytes(output);
    const unchanged = [...before].filter(([name, tensor]) => tensor.bytes.equals(after.get(name)!.bytes)).map(([name]) => name);
    expect(unchanged.sort()).toEqual([...before.keys()].filter((name) => /^token_embd|attn_[kv]\./.test(name)).sort());
    expect(result.parameters.tensors.sort()).toEqual([...before.keys()].filter((name) => !unchanged.includes(name)).sort());
  }, 120_000);

  it("trains a Q8_0 model: the trained tensors come out F32, the frozen ones keep their Q8_0 bytes", () => {
    const quantized = writeTinyLlamaGguf(join(dir, "q8.gguf"), { seed: 3, matrixType: "q8_0" });
    const output = join(dir, "q8-tuned.gguf");
    const result = trainLlama({
      modelPath: quantized,
      outputPath: output,
      trainingTexts: tinySentences(80),
      validationTexts: ["the big red cat sat on the mat and the dog was big", "a red dog sat on a big mat and the cat was red"],
      epochs: 6,
      learningRate: 1.5e-2,
      contextSize: 256,
      threads: 1,
      trainable: "last_layers:1",
    });
    const before = tensorBytes(quantized);
    const after = tensorBytes(output);
    const trained = [...before.keys()].filter((name) => isTrainable(parseTrainable("last_layers:1"), name, 2));
    expect(result.parameters.tensors.sort()).toEqual(trained.sort());
    expect(trained.filter((name) => before.get(name)!.type === GGML_Q8_0).length).toBeGreaterThan(3);
    for (const [name, tensor] of before) {
      if (trained.includes(name)) {
        expect(after.get(name)!.type, name).toBe(GGML_F32);
      } else {
        expect(after.get(name)!.type, name).toBe(tensor.type);
        expect(after.get(name)!.bytes.equals(tensor.bytes), name).toBe(true);
      }
    }
    expect(after.get("blk.0.ffn_up.weight")!.type).toBe(GGML_Q8_0);
    expect(result.finalValidationLoss!).toBeLessThan(result.baseValidationLoss! * 0.8);
    // The rewritten copy of the base is gone once loaded.
    expect(existsSync(`${output}.base.gguf`)).toBe(false);
  }, 120_000);

  it("policies name the tensors they say (SmolLM2-360M's 32 blocks)", () => {
    const names = ["token_embd.weight", "output_norm.weight", "output.weight", ...Array.from({ length: 32 }, (_, layer) =>
      ["attn_norm", "attn_q", "attn_k", "attn_v", "attn_output", "ffn_norm", "ffn_gate", "ffn_up", "ffn_down"].map((kind) => `blk.${layer}.${kind}.weight`),
    ).flat()];
    const chosen = (trainable: string) => names.filter((name) => isTrainable(parseTrainable(trainable), name, 32));
    const trainable = names.filter((name) => !/^token_embd|attn_[kv]\./.test(name));
    expect(chosen("all")).toEqual(trainable);
    expect(chosen("last_layers:8")).toEqual(["output_norm.weight", "output.weight", ...trainable.filter((name) => /^blk\.(2[4-9]|3[01])\./.test(name))]);
    expect(chosen("last_layers:8").length).toBe(2 + 8 * 7);
    expect(chosen("attention")).toEqual(names.filter((name) => /attn_(q|output)\./.test(name)));
    expect(chosen("norms")).toEqual(names.filter((name) => name.endsWith("_norm.weight")));
    expect(chosen("last_layers:99")).toEqual(trainable);
    for (const bad of ["last_layers:0", "last_layers", "layers:3", "ALL", ""]) expect(() => parseTrainable(bad)).toThrow();
  });
});
