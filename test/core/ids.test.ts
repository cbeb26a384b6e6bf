import { describe, expect, it } from "vitest";
import { createId, createTimeOrderedId } from "../../src/core/ids.js";

describe("ids", () => {
  it("random ids have the prefix and the requested length", () => {
    const id = createId("chatcmpl-", 24);
    expect(id).toMatch(/^chatcmpl-[0-9A-Za-z]{24}$/);
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
