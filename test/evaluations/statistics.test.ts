import { describe, expect, it } from "vitest";
import { bootstrapInterval, meanWithInterval, normalQuantile, percentile, seededRandom, wilsonInterval } from "../../src/evaluations/statistics.js";

describe("interval math", () => {
  it("has the standard normal quantiles", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.95)).toBeCloseTo(1.644854, 5);
    expect(normalQuantile(0.995)).toBeCloseTo(2.575829, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 5);
  });

  it("gives the Wilson interval's published values", () => {
    // 8 of 10 at 95%: (0.4902, 0.9433); 0 of 10: (0, 0.2775); 50 of 100: (0.4038, 0.5962).
    const eight = wilsonInterval(8, 10, 0.95);
    expect(eight.low).toBeCloseTo(0.4902, 4);
    expect(eight.high).toBeCloseTo(0.9433, 4);
    const none = wilsonInterval(0, 10, 0.95);
    expect(none.low).toBe(0);
    expect(none.high).toBeCloseTo(0.2775, 4);
    const half = wilsonInterval(50, 100, 0.95);
    expect(half.low).toBeCloseTo(0.4038, 4);
    expect(half.high).toBeCloseTo(0.5962, 4);
  });

  it("uses Wilson for pass/fail scores and the bootstrap otherwise", () => {
    const binary = meanWithInterval([1, 1, 1, 1, 1, 1, 1, 1, 0, 0], 0.95, 1);
    expect(binary).toMatchObject({ mean: 0.8, method: "wilson", count: 10 });
    expect(binary.low).toBeCloseTo(0.4902, 4);
    const graded = meanWithInterval([0.2, 0.9, 0.5, 0.7], 0.95, 1);
    expect(graded.method).toBe("bootstrap");
    expect(graded.mean).toBeCloseTo(0.575, 9);
    expect(graded.low).toBeLessThan(graded.mean);
    expect(graded.high).toBeGreaterThan(graded.mean);
    expect(meanWithInterval([], 0.95, 1)).toEqual({ mean: 0, low: 0, high: 0, method: "none", count: 0 });
  });

  it("draws the same bootstrap interval from the same seed, and a different one from another", () => {
    const values = Array.from({ length: 40 }, (_, index) => ((index * 37) % 11) / 10);
    expect(bootstrapInterval(values, 0.95, 7)).toEqual(bootstrapInterval(values, 0.95, 7));
    expect(bootstrapInterval(values, 0.95, 7)).not.toEqual(bootstrapInterval(values, 0.95, 8));
    // Constant values have no spread to resample.
    expect(bootstrapInterval([0.6, 0.6, 0.6], 0.95, 3)).toEqual({ low: 0.6, high: 0.6 });
  });

  it("agrees with the normal approximation on a large sample", () => {
    const random = seededRandom(42);
    const values = Array.from({ length: 2000 }, () => random());
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    const sd = Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1));
    const half = (1.959964 * sd) / Math.sqrt(values.length);
    const interval = bootstrapInterval(values, 0.95, 11);
    // Within 15% of the textbook half-width on each side.
    expect(Math.abs(interval.low - (mean - half))).toBeLessThan(0.15 * half);
    expect(Math.abs(interval.high - (mean + half))).toBeLessThan(0.15 * half);
    // A wider confidence gives a wider interval.
    const wide = bootstrapInterval(values, 0.99, 11);
    expect(wide.high - wide.low).toBeGreaterThan(interval.high - interval.low);
  });

  it("takes nearest-rank percentiles", () => {
    const latencies = [50, 10, 40, 20, 30, 60, 70, 80, 90, 100];
    expect(percentile(latencies, 0.5)).toBe(50);
    expect(percentile(latencies, 0.9)).toBe(90);
    expect(percentile([7], 0.9)).toBe(7);
    expect(percentile([], 0.5)).toBe(0);
  });
});
