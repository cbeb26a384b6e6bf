/**
 * A partial fine-tune (the `trainable` policy) trains exactly the tensors it names: in the saved GGUF
 * the frozen ones are byte-identical to the base model's and the trained ones differ, and the model
 * still learns (held-out loss on unseen text drops). Runs llama.cpp's trainer in this process on
 * ../shared/models/stories260K.gguf when present, else on a tiny model made here.
 */
import { mkdtempSync, openSync, readSync, closeSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readGgufFileInfo } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trainLlama, type TrainResult } from "../../src/customization/trainer/llama-trainer.js";
import { isTrainable, parseTrainable } from "../../src/customization/trainer/trainable-policy.js";
import { hasStories as hasStoriesModel, STORIES_MODEL } from "../local/fixtures.js";
import { writeTinyLlamaGguf } from "../local/gguf-writer.js";
import { tinySentences, zorblaxStories } from "./datasets.js";

const hasStories = hasStoriesModel && !process.env.SWY_TEST_TINY_MODEL;

/** Every tensor's bytes, by name (all F32 in these models). */
async function tensorBytes(file: string): Promise<Map<string, Buffer>> {
  const info = await readGgufFileInfo(file);
  const result = new Map<string, Buffer>();
  const fd = openSync(file, "r");
  try {
    for (const tensor of info.fullTensorInfo ?? []) {
      expect(tensor.ggmlType).toBe(0);
      const bytes = Buffer.alloc(tensor.dimensions.reduce<number>((product, dimension) => product * Number(dimension), 1) * 4);
      readSync(fd, bytes, 0, bytes.length, Number(tensor.fileOffset));
      result.set(tensor.name, bytes);
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
      const before = await tensorBytes(base);
      const after = await tensorBytes(output);
      const info = await readGgufFileInfo(base);
      const layers = Number(info.architectureMetadata.block_count);
      const policy = parseTrainable(trainable);

      expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
      const changed = [...before].filter(([name, bytes]) => !bytes.equals(after.get(name)!)).map(([name]) => name);
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
    const before = await tensorBytes(base);
    const after = await tensorBytes(output);
    const unchanged = [...before].filter(([name, bytes]) => bytes.equals(after.get(name)!)).map(([name]) => name);
    expect(unchanged.sort()).toEqual([...before.keys()].filter((name) => /^token_embd|attn_[kv]\./.test(name)).sort());
    expect(result.parameters.tensors.sort()).toEqual([...before.keys()].filter((name) => !unchanged.includes(name)).sort());
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
