import { describe, expect, it } from "vitest";
import { chunkText } from "../../src/knowledge/chunker.js";
import { loadTokenizer } from "../../src/knowledge/tokenizer.js";
import { fromBlob, normalize, toBlob, topK } from "../../src/knowledge/vectors.js";

const sentence = (index: number) => `Sentence number ${index} talks about the harbour, the ships and the weather in some detail.`;

describe("chunkText", () => {
  it("keeps short paragraphs whole and packs them up to the token bound", async () => {
    const tokenizer = await loadTokenizer();
    const text = "# Title\n\nFirst paragraph.\n\nSecond paragraph.";
    const chunks = chunkText(text, tokenizer, { maxTokens: 400, overlapTokens: 0 });
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.text).toBe("# Title\n\nFirst paragraph.\n\nSecond paragraph.");
  });

  it("never exceeds the bound, splits by sentence, and overlaps whole sentences", async () => {
    const tokenizer = await loadTokenizer();
    const text = Array.from({ length: 40 }, (_, index) => sentence(index)).join(" ");
    const chunks = chunkText(text, tokenizer, { maxTokens: 80, overlapTokens: 25 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) expect(chunk.tokens).toBeLessThanOrEqual(80);
    for (let index = 1; index < chunks.length; index++) {
      const previousLast = chunks[index - 1]!.text.split(/(?<=\.)\s+/).at(-1)!;
      expect(chunks[index]!.text.startsWith(previousLast)).toBe(true);
    }
    // Every sentence is somewhere, and none is cut.
    for (let index = 0; index < 40; index++) expect(chunks.some((chunk) => chunk.text.includes(sentence(index)))).toBe(true);
  });

  it("without overlap every sentence appears exactly once", async () => {
    const tokenizer = await loadTokenizer();
    const text = Array.from({ length: 30 }, (_, index) => sentence(index)).join(" ");
    const chunks = chunkText(text, tokenizer, { maxTokens: 60, overlapTokens: 0 });
    const all = chunks.map((chunk) => chunk.text).join(" ");
    for (let index = 0; index < 30; index++) expect(all.split(sentence(index)).length - 1).toBe(1);
  });

  it("cuts a run-on sentence by tokens", async () => {
    const tokenizer = await loadTokenizer();
    const text = Array.from({ length: 300 }, (_, index) => `word${index}`).join(" ");
    const chunks = chunkText(text, tokenizer, { maxTokens: 50, overlapTokens: 10 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) expect(chunk.tokens).toBeLessThanOrEqual(52);
    expect(chunks.map((chunk) => chunk.text).join(" ")).toContain("word299");
  });

  it("gives nothing for blank text", async () => {
    expect(chunkText(" \n\n \n", await loadTokenizer(), { maxTokens: 50, overlapTokens: 0 })).toEqual([]);
  });
});

describe("vectors", () => {
  it("round-trips float32 blobs, including from an unaligned buffer", () => {
    const vector = normalize([3, 4, 0]);
    const blob = toBlob(vector);
    const unaligned = Buffer.concat([Buffer.from([9]), blob]).subarray(1);
    expect(Array.from(fromBlob(unaligned))).toEqual(Array.from(vector));
  });

  it("ranks by cosine and honours k and the minimum score", () => {
    const rows = [normalize([1, 0]), normalize([0, 1]), normalize([1, 1]), normalize([-1, 0])];
    const matrix = new Float32Array(rows.length * 2);
    rows.forEach((row, index) => matrix.set(row, index * 2));
    const hits = topK(matrix, 2, normalize([1, 0.1]), 2, -1);
    expect(hits.map((hit) => hit.row)).toEqual([0, 2]);
    expect(topK(matrix, 2, normalize([1, 0]), 10, 0.5).map((hit) => hit.row)).toEqual([0, 2]);
  });
});
