import { describe, expect, it } from "vitest";
import { alphabetCodes, createId, createTimeOrderedId } from "../../src/core/ids.js";

const alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

describe("ids", () => {
  it("random ids have the prefix and the requested length", () => {
    const id = createId("chatcmpl-", 24);
    expect(id).toMatch(/^chatcmpl-[0-9A-Za-z]{24}$/);
  });

  it("maps bytes onto the alphabet evenly: four bytes per character, the last eight bytes dropped", () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, index) => index);
    const out = new Uint8Array(300);
    const end = alphabetCodes(bytes, out);
    expect(end).toBe(248);
    const counts = new Map<string, number>();
    for (const code of out.subarray(0, end)) counts.set(String.fromCharCode(code), (counts.get(String.fromCharCode(code)) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([...alphabet].sort());
    for (const count of counts.values()) expect(count).toBe(4);
    // Stops when the output is full, and appends after what is already there.
    const small = new Uint8Array(10);
    expect(alphabetCodes(bytes, small, 4)).toBe(10);
    expect(String.fromCharCode(...small.subarray(4))).toBe("012345");
  });

  it("random characters are spread evenly over the alphabet, across many blocks", () => {
    const counts = new Map<string, number>();
    const ids = 40_000;
    for (let index = 0; index < ids; index++) {
      for (const character of createId("", 24)) counts.set(character, (counts.get(character) ?? 0) + 1);
    }
    expect(counts.size).toBe(62);
    // 960,000 characters: ~15,484 each, standard deviation ~123; 5% is ~6 deviations. byte % 62 without
    // dropping the last eight bytes makes eight characters ~21% likelier than the expected share.
    const expected = (ids * 24) / 62;
    for (const count of counts.values()) expect(Math.abs(count - expected) / expected).toBeLessThan(0.05);
  });

  it("ids longer than a block are whole and random, and the ids after them still differ", () => {
    const long = createId("x-", 10_000);
    expect(long).toMatch(/^x-[0-9A-Za-z]{10000}$/);
    expect(new Set(long.slice(2)).size).toBe(62);
    const next = Array.from({ length: 500 }, () => createId("chatcmpl-"));
    expect(new Set(next).size).toBe(next.length);
    for (const id of next) expect(id).toMatch(/^chatcmpl-[0-9A-Za-z]{24}$/);
    expect(createId("p", 0)).toBe("p");
  });

  it("time-ordered ids sort as strings in the order of their times", () => {
    // Times across digit roll-overs (61 -> 62, 62^2 - 1 -> 62^2, ...) and today's range.
    const times = [0, 1, 61, 62, 63, 3843, 3844, 238_327, 238_328, 1_700_000_000_000, 1_764_720_000_000, 1_764_720_000_001, 1_764_720_000_062, 4_102_444_800_000];
    const ids = times.map((time) => createTimeOrderedId("usg_", 20, time));
    for (const id of ids) expect(id).toMatch(/^usg_[0-9A-Za-z]{20}$/);
    const sorted = [...ids].sort();
    expect(sorted).toEqual(ids);
    // The first eight characters after the prefix are the time; the rest are random.
    expect(new Set(ids.map((id) => id.slice(4, 12))).size).toBe(times.length);
  });

  it("ids made in the same millisecond differ and keep the time digits", () => {
    const now = 1_764_720_123_456;
    const ids = Array.from({ length: 1_000 }, () => createTimeOrderedId("req_", 24, now));
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id.slice(0, 12))).size).toBe(1);
    expect(ids[0]).toMatch(/^req_[0-9A-Za-z]{24}$/);
  });

  it("ids made later sort after ids made earlier", () => {
    const first = createTimeOrderedId("log_", 20);
    const later = createTimeOrderedId("log_", 20, Date.now() + 1);
    expect(first < later).toBe(true);
  });
});
