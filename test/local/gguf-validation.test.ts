import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { validateGgufFile } from "../../src/models/gguf-validation.js";
import { probeModelLoad } from "../../src/models/load-probe.js";
import { seededBytes } from "../helpers/seeded-random.js";
import { CHATML_TEMPLATE, tinyLlamaGguf, writeTinyLlamaGguf } from "./gguf-writer.js";

// Child processes that load llama.cpp are slow on a shared two-core machine.
const SLOW = { timeout: 180_000 };

const directory = mkdtempSync(join(tmpdir(), "swy-gguf-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const file = (name: string, bytes: Buffer) => {
  const path = join(directory, name);
  writeFileSync(path, bytes);
  return path;
};

describe("GGUF validation", () => {
  it("accepts a well-formed model and summarises it", async () => {
    const summary = await validateGgufFile(writeTinyLlamaGguf(join(directory, "ok.gguf"), { chatTemplate: CHATML_TEMPLATE }));
    expect(summary).toMatchObject({ architecture: "llama", contextLength: 2048, embeddingLength: 64, blockCount: 2, tokenizer: "llama" });
    expect(summary.chatTemplate).toContain("im_start");
  });

  it.each([
    ["a missing feed_forward_length", { omitKeys: ["llama.feed_forward_length"] }, /required metadata 'llama\.feed_forward_length' is missing/],
    ["a missing attention.head_count", { omitKeys: ["llama.attention.head_count"] }, /'llama\.attention\.head_count' is missing/],
    ["a vocabulary without byte tokens", { withoutByteTokens: true }, /lacks the byte token <0x00>/],
    ["an unknown architecture", { architecture: "no-such-arch" }, /architecture 'no-such-arch' is not supported/],
    ["a missing tokenizer", { omitKeys: ["tokenizer.ggml.model"] }, /'tokenizer\.ggml\.model' is missing/],
  ])("rejects %s, naming the problem", async (label, options, message) => {
    const path = file(`bad-${label.replace(/[^a-z]+/g, "-")}.gguf`, tinyLlamaGguf(options));
    await expect(validateGgufFile(path)).rejects.toMatchObject({ code: "SWY_ERR_MODEL_UNAVAILABLE", status: 503, message });
  });

  it("rejects a truncated file", async () => {
    const whole = tinyLlamaGguf();
    await expect(validateGgufFile(file("cut.gguf", whole.subarray(0, whole.length - 4096)))).rejects.toThrow(/truncated/);
  });

  it("rejects a file that is not GGUF at all", async () => {
    await expect(validateGgufFile(file("noise.gguf", seededBytes(4096, 14)))).rejects.toThrow(/'noise\.gguf' is not a usable GGUF model: its header cannot be read/);
  });
});

describe("probe load in a child process", SLOW, () => {
  it("reports a file that aborts llama.cpp as an error while this process lives on", async () => {
    // Skipping validation on purpose: this file trips a GGML_ASSERT that would abort an in-process load.
    const path = file("crash.gguf", tinyLlamaGguf({ omitKeys: ["llama.feed_forward_length"] }));
    await expect(probeModelLoad(path)).rejects.toThrow(/'crash\.gguf' is not a usable GGUF model: llama\.cpp failed to load it in a probe process \(.*GGML_ASSERT/);
    expect(process.exitCode ?? 0).toBe(0);
  });

  it("reports a vocabulary that makes llama.cpp throw an uncaught C++ exception", async () => {
    const path = file("crash-vocab.gguf", tinyLlamaGguf({ withoutByteTokens: true }));
    await expect(probeModelLoad(path)).rejects.toThrow(/probe process \(.*std::out_of_range/);
  });

  it("passes a good file", async () => {
    await expect(probeModelLoad(writeTinyLlamaGguf(join(directory, "fine.gguf")))).resolves.toBeUndefined();
  });
});
