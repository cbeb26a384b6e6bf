import { Tiktoken } from "js-tiktoken/lite";
import ranks from "js-tiktoken/ranks/cl100k_base";
import { describe, expect, it } from "vitest";
import { boundTokenizer } from "./bounded-tokenizer.js";

describe("boundTokenizer", () => {
  const plain = new Tiktoken(ranks);
  const bounded = boundTokenizer(new Tiktoken(ranks));

  it("encodes ordinary text exactly as the plain encoder does", () => {
    const text = "Hello world, this is ordinary text with names like Bluebird, numbers 12345 and ✓ 名前.";
    expect(bounded.encode(text)).toEqual(plain.encode(text));
  });

  it("encodes a very long word in pieces that still decode to the text", () => {
    const text = `start ${"x".repeat(20_000)} 😀${"名".repeat(500)} end`;
    const tokens = bounded.encode(text);
    expect(bounded.decode(tokens)).toBe(text);
    expect(tokens.length).toBeGreaterThan(2_000);
  });
});
