/**
 * RouteLLM's routing metrics. Sweep a threshold over the router's score (higher = send to the
 * strong model); at each point record the share of strong calls and the mean quality.
 * PGR = (quality - Q_weak) / (Q_strong - Q_weak); CPT(x) = the share of strong calls needed to reach
 * PGR x (linear interpolation); APGR = area under the PGR curve over 0..100% strong calls.
 */

export interface RoutedRow {
  score: number;
  strong: number;
  weak: number;
}

export interface CurvePoint {
  /** Share of calls sent to the strong model, 0..1. */
  strongShare: number;
  quality: number;
  pgr: number;
}

export interface RoutingMetrics {
  apgr: number;
  /** Percent of strong calls to reach PGR 0.5 / 0.8, or null when never reached. */
  cpt50: number | null;
  cpt80: number | null;
  qualityStrong: number;
  qualityWeak: number;
  /** [percent strong, quality] at 0, 1, ..., 100 percent. */
  curve: Array<[number, number]>;
  /** PGR at 0, 1, ..., 100 percent strong calls. */
  pgrCurve: number[];
  points: CurvePoint[];
}

/** The exact curve: one point per distinct score (tied prompts move to the strong model together). */
export function routingCurve(rows: RoutedRow[]): { points: CurvePoint[]; qualityStrong: number; qualityWeak: number } {
  const count = rows.length;
  const qualityStrong = rows.reduce((sum, row) => sum + row.strong, 0) / count;
  const qualityWeak = rows.reduce((sum, row) => sum + row.weak, 0) / count;
  const gap = qualityStrong - qualityWeak;
  const pgr = (quality: number) => (gap === 0 ? 1 : (quality - qualityWeak) / gap);
  const sorted = [...rows].sort((left, right) => right.score - left.score);
  let total = qualityWeak * count;
  const points: CurvePoint[] = [{ strongShare: 0, quality: qualityWeak, pgr: pgr(qualityWeak) }];
  let index = 0;
  while (index < count) {
    const score = sorted[index]!.score;
    while (index < count && sorted[index]!.score === score) {
      total += sorted[index]!.strong - sorted[index]!.weak;
      index++;
    }
    const quality = total / count;
    points.push({ strongShare: index / count, quality, pgr: pgr(quality) });
  }
  return { points, qualityStrong, qualityWeak };
}

function interpolate(points: CurvePoint[], share: number, key: "quality" | "pgr"): number {
  for (let index = 1; index < points.length; index++) {
    const right = points[index]!;
    if (right.strongShare >= share) {
      const left = points[index - 1]!;
      const span = right.strongShare - left.strongShare;
      const fraction = span === 0 ? 1 : (share - left.strongShare) / span;
      return left[key] + fraction * (right[key] - left[key]);
    }
  }
  return points[points.length - 1]![key];
}

function callsToReach(points: CurvePoint[], target: number): number | null {
  if (points[0]!.pgr >= target) return 0;
  for (let index = 1; index < points.length; index++) {
    const right = points[index]!;
    if (right.pgr >= target) {
      const left = points[index - 1]!;
      const fraction = right.pgr === left.pgr ? 1 : (target - left.pgr) / (right.pgr - left.pgr);
      return 100 * (left.strongShare + fraction * (right.strongShare - left.strongShare));
    }
  }
  return null;
}

export function routingMetrics(rows: RoutedRow[]): RoutingMetrics {
  const { points, qualityStrong, qualityWeak } = routingCurve(rows);
  let area = 0;
  for (let index = 1; index < points.length; index++) {
    const left = points[index - 1]!;
    const right = points[index]!;
    area += ((left.pgr + right.pgr) / 2) * (right.strongShare - left.strongShare);
  }
  const curve: Array<[number, number]> = [];
  const pgrCurve: number[] = [];
  for (let percent = 0; percent <= 100; percent++) {
    curve.push([percent, interpolate(points, percent / 100, "quality")]);
    pgrCurve.push(interpolate(points, percent / 100, "pgr"));
  }
  return {
    apgr: area,
    cpt50: callsToReach(points, 0.5),
    cpt80: callsToReach(points, 0.8),
    qualityStrong,
    qualityWeak,
    curve,
    pgrCurve,
    points,
  };
}
