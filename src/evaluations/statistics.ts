import type { Interval } from "./types.js";

/** Resamples per bootstrap interval: enough for stable 2.5/97.5 percentiles at a few thousand draws. */
export const BOOTSTRAP_RESAMPLES = 2000;

/** mulberry32: a small seeded PRNG, so the same evaluation always reports the same interval. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0 || p >= 1) throw new RangeError("p must be in (0, 1)");
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** Wilson score interval for `successes` of `count` at a confidence level. */
export function wilsonInterval(successes: number, count: number, confidence: number): { low: number; high: number } {
  if (count === 0) return { low: 0, high: 0 };
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = successes / count;
  const z2 = z * z;
  const denominator = 1 + z2 / count;
  const center = (p + z2 / (2 * count)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / count + z2 / (4 * count * count));
  return { low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

/** Percentile bootstrap of the mean: resample with replacement, take the (1±c)/2 quantiles of the means. */
export function bootstrapInterval(values: readonly number[], confidence: number, seed: number, resamples = BOOTSTRAP_RESAMPLES): { low: number; high: number } {
  const n = values.length;
  if (n === 0) return { low: 0, high: 0 };
  const random = seededRandom(seed);
  const means = new Float64Array(resamples);
  for (let draw = 0; draw < resamples; draw++) {
    let sum = 0;
    for (let index = 0; index < n; index++) sum += values[Math.floor(random() * n)]!;
    means[draw] = sum / n;
  }
  means.sort();
  const alpha = (1 - confidence) / 2;
  return { low: quantileOfSorted(means, alpha), high: quantileOfSorted(means, 1 - alpha) };
}

/** Linear interpolation between the closest ranks (type 7, as R and NumPy default). */
function quantileOfSorted(sorted: Float64Array, q: number): number {
  const at = (sorted.length - 1) * q;
  const below = Math.floor(at);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (at - below);
}

/**
 * The mean of scores in [0, 1] with an interval: Wilson when every score is 0 or 1 (pass/fail
 * scorers; exact for small counts where the bootstrap is too narrow), otherwise the bootstrap.
 */
export function meanWithInterval(values: readonly number[], confidence: number, seed: number): Interval {
  const count = values.length;
  if (count === 0) return { mean: 0, low: 0, high: 0, method: "none", count: 0 };
  const sum = values.reduce((total, value) => total + value, 0);
  const mean = sum / count;
  if (values.every((value) => value === 0 || value === 1)) return { mean, ...wilsonInterval(sum, count, confidence), method: "wilson", count };
  return { mean, ...bootstrapInterval(values, confidence, seed), method: "bootstrap", count };
}

/** Nearest-rank percentile (p in 0..1) of unsorted values; 0 when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((left, right) => left - right);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1]!;
}
