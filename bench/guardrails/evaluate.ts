import type { DetectorSet, Finding } from "../../src/guardrails/detectors/index.js";
import type { LabelledRecord } from "./generate.js";

export interface CategoryScore {
  category: string;
  support: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** Of the true positives, how many had exactly the labelled boundaries. */
  exact: number;
  precision: number;
  recall: number;
  f1: number;
}

/** A prediction counts when it has the label's category and covers at least half of it (and vice versa). */
function overlaps(predicted: Finding, gold: Finding): boolean {
  const shared = Math.min(predicted.end, gold.end) - Math.max(predicted.start, gold.start);
  return shared > 0 && shared >= 0.5 * (gold.end - gold.start) && shared >= 0.5 * (predicted.end - predicted.start);
}

export function evaluate(detectors: DetectorSet, records: readonly LabelledRecord[]) {
  const counts = new Map<string, { tp: number; fp: number; fn: number; exact: number; support: number }>();
  const falsePositivesByNegative = new Map<string, number>();
  const bucket = (category: string) => {
    let found = counts.get(category);
    if (!found) counts.set(category, (found = { tp: 0, fp: 0, fn: 0, exact: 0, support: 0 }));
    return found;
  };
  const examples: Array<{ kind: "false-positive" | "false-negative"; category: string; value: string }> = [];
  const perCategory = new Map<string, number>();
  const example = (kind: "false-positive" | "false-negative", category: string, value: string) => {
    const key = `${kind}:${category}`;
    if ((perCategory.get(key) ?? 0) >= 3) return;
    perCategory.set(key, (perCategory.get(key) ?? 0) + 1);
    examples.push({ kind, category, value });
  };
  for (const record of records) {
    const predicted = detectors.detect(record.text);
    const used = new Set<number>();
    for (const gold of record.spans) {
      const score = bucket(gold.category);
      score.support++;
      const match = predicted.findIndex((candidate, index) => !used.has(index) && candidate.category === gold.category && overlaps(candidate, gold));
      if (match === -1) {
        score.fn++;
        example("false-negative", gold.category, record.text.slice(gold.start, gold.end));
        continue;
      }
      used.add(match);
      score.tp++;
      if (predicted[match]!.start === gold.start && predicted[match]!.end === gold.end) score.exact++;
    }
    predicted.forEach((candidate, index) => {
      if (used.has(index)) return;
      bucket(candidate.category).fp++;
      example("false-positive", candidate.category, record.text.slice(candidate.start, candidate.end));
      for (const negative of record.negatives) falsePositivesByNegative.set(negative, (falsePositivesByNegative.get(negative) ?? 0) + 1);
    });
  }
  const scores: CategoryScore[] = [...counts].map(([category, count]) => {
    const precision = count.tp + count.fp === 0 ? 1 : count.tp / (count.tp + count.fp);
    const recall = count.support === 0 ? 1 : count.tp / count.support;
    return {
      category,
      support: count.support,
      truePositives: count.tp,
      falsePositives: count.fp,
      falseNegatives: count.fn,
      exact: count.exact,
      precision,
      recall,
      f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    };
  });
  return { scores: scores.sort((a, b) => a.category.localeCompare(b.category)), examples, falsePositivesByNegative: Object.fromEntries(falsePositivesByNegative) };
}
