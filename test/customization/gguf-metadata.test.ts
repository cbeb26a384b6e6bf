/**
 * A fine-tuned GGUF keeps the metadata of its base that llama.cpp's saver leaves out (the chat
 * template first of all), so it is served in the same chat format as its base. Generated tiny models.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readGgufFileInfo } from "node-llama-cpp";
import { readGgufLayout } from "../../src/customization/trainer/gguf-dequantize.js";
import { metadataEntries, restoreBaseMetadata } from "../../src/customization/trainer/gguf-metadata.js";
import { trainLlama } from "../../src/customization/trainer/llama-trainer.js";
import { localChat } from "../../src/providers/local/chat-wrapper.js";
import { getEngine } from "../../src/providers/local/engine.js";
import { createModelFixtures, type ModelFixtures } from "../local/fixtures.js";
import { CHATML_TEMPLATE, writeTinyLlamaGguf } from "../local/gguf-writer.js";

const keysOf = (path: string) => {
  const layout = readGgufLayout(path);
  return metadataEntries(layout.metadata, layout.metadataCount).map((entry) => entry.key);
};
const tensorData = (path: string) => readFileSync(path).subarray(readGgufLayout(path).dataOffset);

async function servedWrapper(path: string): Promise<string> {
  const llama = await getEngine();
  const model = await llama.loadModel({ modelPath: path });
  const context = await model.createContext({ contextSize: 256, threads: 1 });
  try {
    const chat = await localChat(context.getSequence());
    const name = chat.chatWrapper.constructor.name;
    chat.dispose();
    return name;
  } finally {
    await context.dispose();
    await model.dispose();
  }
}

describe("the metadata a fine-tuned GGUF keeps from its base", () => {
  let fixtures: ModelFixtures;
  beforeAll(() => {
    fixtures = createModelFixtures();
  });
  afterAll(() => fixtures?.cleanup());

  it("adds the base's keys the file lacks, keeps its own values and its tensor bytes, and loads", async () => {
    const tuned = writeTinyLlamaGguf(join(fixtures.dataDir, "tuned.gguf"), {
      chatTemplate: CHATML_TEMPLATE,
      seed: 99,
      omitKeys: ["tokenizer.chat_template", "general.name"],
    });
    const before = tensorData(tuned);
    expect(keysOf(tuned)).not.toContain("tokenizer.chat_template");

    const restored = restoreBaseMetadata(fixtures.chatModel, tuned);
    expect(restored.sort()).toEqual(["general.name", "tokenizer.chat_template"]);
    const info = await readGgufFileInfo(tuned);
    expect(info.metadata.tokenizer.chat_template).toBe(CHATML_TEMPLATE);
    expect(info.metadata.general.name).toBe("tiny-random-llama");
    expect(tensorData(tuned).equals(before)).toBe(true);
    expect(await servedWrapper(tuned)).toBe("ChatMLChatWrapper");

    // Nothing missing: the file is left as it is.
    const bytes = readFileSync(tuned);
    expect(restoreBaseMetadata(fixtures.chatModel, tuned)).toEqual([]);
    expect(readFileSync(tuned).equals(bytes)).toBe(true);
  });

  it("a model the local trainer saves keeps its base's chat template, and is served in the base's format", async () => {
    const output = join(fixtures.dataDir, "trained.gguf");
    const checkpoint = join(fixtures.dataDir, "trained-epoch-1.gguf");
    trainLlama({
      modelPath: fixtures.chatModel,
      outputPath: output,
      trainingTexts: ["the cat sat on the mat", "the dog sat on the mat"],
      validationTexts: [],
      epochs: 2,
      learningRate: 1e-3,
      contextSize: 64,
      threads: 1,
      checkpointPath: (epoch) => (epoch === 1 ? checkpoint : undefined),
    });
    for (const path of [output, checkpoint]) {
      const info = await readGgufFileInfo(path);
      expect(info.metadata.tokenizer.chat_template).toBe(CHATML_TEMPLATE);
      expect(info.metadata.general.name).toBe("tiny-random-llama");
    }
    // Every key of the base is there (the saver adds some of its own), but the file layout's own alignment.
    expect(keysOf(output)).toEqual(expect.arrayContaining(keysOf(fixtures.chatModel).filter((key) => key !== "general.alignment")));
    expect(await servedWrapper(output)).toBe(await servedWrapper(fixtures.chatModel));
  });
});
