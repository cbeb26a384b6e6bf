import type { PairedRow } from "./dataset.js";
import { shuffled } from "./dataset.js";
import { routingMetrics, type RoutingMetrics } from "./metrics.js";

export interface BaselineMetrics {
  apgr: number;
  cpt50: number | null;
  cpt80: number | null;
}

function summary(metrics: RoutingMetrics): BaselineMetrics {
  return { apgr: metrics.apgr, cpt50: metrics.cpt50, cpt80: metrics.cpt80 };
}

export function evaluateScores(rows: PairedRow[], scores: number[]): RoutingMetrics {
  return routingMetrics(rows.map((row, index) => ({ score: scores[index]!, strong: row.strong, weak: row.weak })));
}

/** "Longer prompt -> strong model": the simplest content-based router. */
export function lengthBaseline(rows: PairedRow[]): RoutingMetrics {
  return evaluateScores(rows, rows.map((row) => row.prompt.length));
}

/** Random routing, averaged over several seeded orders so the figure is stable. */
export function randomBaseline(rows: PairedRow[], repeats = 20): BaselineMetrics {
  const totals = { apgr: 0, cpt50: 0, cpt80: 0 };
  let reached50 = 0;
  let reached80 = 0;
  for (let repeat = 0; repeat < repeats; repeat++) {
    const order = shuffled(rows.map((_, index) => index), repeat + 1);
    const scores = new Array<number>(rows.length);
    for (const [rank, index] of order.entries()) scores[index] = rank;
    const metrics = evaluateScores(rows, scores);
    totals.apgr += metrics.apgr;
    if (metrics.cpt50 !== null) {
      totals.cpt50 += metrics.cpt50;
      reached50++;
    }
    if (metrics.cpt80 !== null) {
      totals.cpt80 += metrics.cpt80;
      reached80++;
    }
  }
  return {
    apgr: totals.apgr / repeats,
    cpt50: reached50 ? totals.cpt50 / reached50 : null,
    cpt80: reached80 ? totals.cpt80 / reached80 : null,
  };
}

export { summary as metricsSummary };
