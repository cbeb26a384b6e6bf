import { describe, expect, it } from "vitest";
import { utcDay } from "../../src/control/usage/usage-record.js";

describe("utcDay", () => {
  it("names the UTC day of every instant, across day boundaries and back again", () => {
    const midnight = Date.UTC(2026, 11, 3);
    const instants = [midnight - 1, midnight, midnight + 1, midnight + 86_399_999, midnight + 86_400_000, midnight - 1, 0, -1, Date.UTC(2028, 1, 29, 12)];
    // A seeded walk over ten years, in steps shorter and longer than a day.
    let seed = 17;
    let instant = Date.UTC(2024, 0, 1);
    for (let step = 0; step < 2000; step++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      instant += (seed % 3_000_000) * (step % 3 === 0 ? 100 : 1);
      instants.push(instant);
    }
    for (const value of instants) expect(utcDay(value)).toBe(new Date(value).toISOString().slice(0, 10));
  });
});
