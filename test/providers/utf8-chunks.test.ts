import { describe, expect, it } from "vitest";
import { Utf8Chunks } from "../../src/providers/shared/utf8-chunks.js";
import { seededRandom as random } from "../../src/evaluations/statistics.js";

function viaDecoder(chunks: Uint8Array[]): string {
  const decoder = new TextDecoder();
  return chunks.map((chunk) => decoder.decode(chunk, { stream: true })).join("") + decoder.decode();
}

function viaChunks(chunks: Uint8Array[]): string {
  const utf8 = new Utf8Chunks();
  return chunks.map((chunk) => utf8.decode(chunk)).join("") + utf8.end();
}

function split(bytes: Uint8Array, next: () => number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let start = 0; start < bytes.length; ) {
    const size = 1 + Math.floor(next() * 12);
    chunks.push(bytes.subarray(start, start + size));
    start += size;
  }
  return chunks;
}

describe("Utf8Chunks", () => {
  const texts = [
    'data: {"choices":[{"delta":{"content":"plain ascii"}}]}\n\n',
    'data: {"content":"héllo wörld — 日本語 🎉"}\n\n',
    "\ufeffdata: starts with a byte-order mark\n\n",
    "data: a byte-order mark \ufeff inside\n\n",
    "🎉🎉🎉 only emoji 🎉",
    "",
  ];

  it("gives what a streaming TextDecoder gives, however the bytes are split", () => {
    const next = random(17);
    for (const text of texts) {
      const bytes = new TextEncoder().encode(text);
      for (let round = 0; round < 200; round++) {
        const chunks = split(bytes, next);
        expect(viaChunks(chunks)).toBe(viaDecoder(chunks));
        // As a body's chunks arrive: Buffers, some of them views into a larger one.
        const buffers = split(Buffer.concat([Buffer.from("xx"), bytes]).subarray(2), next);
        expect(viaChunks(buffers)).toBe(viaDecoder(buffers));
      }
    }
  });

  it("replaces bytes that never form a character, and a character cut short at the end", () => {
    const broken = [Uint8Array.from([0x61, 0xe6, 0x97]), Uint8Array.from([0x62, 0x0a]), Uint8Array.from([0xf0, 0x9f])];
    expect(viaChunks(broken)).toBe(viaDecoder(broken));
    expect(viaChunks(broken)).toContain("\ufffd");
    const lone = [Uint8Array.from([0x80]), Uint8Array.from([0x41])];
    expect(viaChunks(lone)).toBe(viaDecoder(lone));
  });

  it("drops a byte-order mark only at the very start, even split over chunks", () => {
    const bom = [Uint8Array.from([0xef]), Uint8Array.from([0xbb, 0xbf, 0x41, 0x0a])];
    expect(viaChunks(bom)).toBe("A\n");
    const later = [Uint8Array.from([0x41]), Uint8Array.from([0xef, 0xbb, 0xbf, 0x42])];
    expect(viaChunks(later)).toBe(viaDecoder(later));
    expect(viaChunks(later)).toBe("A\ufeffB");
  });
});
