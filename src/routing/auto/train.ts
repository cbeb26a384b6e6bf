import { isPaired, scoredRows, shuffled, type RoutingRow, type ScoredRow } from "./dataset.js";
import { defaultFeatureSpec, denseFeatureNames, featurize, sparseWidth, type FeatureSpec, type Features } from "./features.js";
import { defaultFitOptions, fitLogistic, predict, type FitOptions, type LogisticModel } from "./logistic.js";
import { routingMetrics } from "./metrics.js";
import { gainScore, shareForQuality, storeModel, thresholdForShare, type RouterFile } from "./router-file.js";

/**
 * What the router learns to predict:
 * - `expected-gain`: two models, one for each model's quality (0..1); the score is their difference,
 *   the quality a strong call is expected to add. Every row teaches both models something, including
 *   the rows where both models did equally well or the weak one did better;
 * - `strong-wins`: how much better the strong model did (max(0, strong - weak)), one model;
 * - `weak-shortfall`: how far the weak model fell short of a perfect answer (1 - weak), one model.
 * Which one ranks prompts better is chosen by cross-validation on the training data alone.
 */
export type LabelKind = RouterFile["label"];

type Target = "strong" | "weak" | "strong-wins" | "weak-shortfall";

/** The value a row teaches for a target, or undefined when the row does not score what it needs. */
function targetValue(row: ScoredRow, target: Target): number | undefined {
  switch (target) {
    case "strong":
      return row.strong;
    case "weak":
      return row.weak;
    case "strong-wins":
      return isPaired(row) ? Math.max(0, Math.min(1, row.strong - row.weak)) : undefined;
    case "weak-shortfall":
      return row.weak === undefined ? undefined : 1 - row.weak;
  }
}

export interface TrainOptions {
  strong: string;
  weak: string;
  targetStrong?: number;
  /**
   * Instead of a share: the share of the strong model's quality gain (PGR, 0..1) to keep; the share
   * of strong calls is read off the out-of-fold quality curve. Wins over `targetStrong`.
   */
  targetQuality?: number;
  folds?: number;
  seed?: number;
  features?: FeatureSpec;
  /**
   * Candidate settings compared by cross-validation, in order of preference (the first is kept unless
   * another is clearly better). `sparseStrength` is the L2 prior strength on
   * the hashed features; the penalty used is strength / rows, so small data sets are held closer to
   * the prior (a MAP fit with a fixed prior, not a fixed penalty).
   */
  grid?: Array<{ label: LabelKind; sparseStrength: number }>;
  onProgress?: (message: string) => void;
}

export interface TrainResult {
  file: RouterFile;
  crossValidation: Array<{ label: LabelKind; sparseStrength: number; apgr: number }>;
}

/** How much better (cross-validated APGR) a candidate must be to replace the one before it. */
const SELECTION_MARGIN = 0.01;

const defaultGrid: Array<{ label: LabelKind; sparseStrength: number }> = [
  { label: "expected-gain", sparseStrength: 0.65 },
  { label: "expected-gain", sparseStrength: 2 },
  { label: "strong-wins", sparseStrength: 0.65 },
];

/**
 * The dense counts are few and hand-made, so they are held firmly to a prior: "a longer prompt needs
 * the strong model more" (the usual baseline), one standard deviation of length = 1 logit toward
 * "the strong model is needed" (and, for the weak model's quality, 1 logit lower). The strong
 * model's own quality gets no length prior. With little data the router stays close to that
 * baseline; the hashed n-grams carry what the data adds.
 */
const DENSE_STRENGTH = 65;

const lengthPriorFor: Record<Target, number> = { strong: 0, weak: -1, "strong-wins": 1, "weak-shortfall": 1 };

function lengthPrior(target: Target): Float64Array {
  const prior = new Float64Array(denseFeatureNames.length);
  prior[denseFeatureNames.indexOf("log_chars")] = lengthPriorFor[target];
  return prior;
}

function fitOptionsFor(sparseStrength: number, rows: number, target: Target): FitOptions {
  return { ...defaultFitOptions, lambdaSparse: sparseStrength / rows, lambdaDense: DENSE_STRENGTH / rows, densePrior: lengthPrior(target) };
}

interface Prepared {
  row: ScoredRow;
  features: Features;
}

/** The fitted model(s) for one label, and how they turn a prompt's features into a score. */
interface Scorer {
  model: LogisticModel;
  weakModel?: LogisticModel;
  score(features: Features): number;
}

/** Fits one target on the rows that score it (with `expected-gain`, one-sided rows teach their side). */
function fitTarget(rows: Prepared[], target: Target, sparseStrength: number, width: number): LogisticModel {
  const features: Features[] = [];
  const labels: number[] = [];
  for (const item of rows) {
    const value = targetValue(item.row, target);
    if (value === undefined) continue;
    features.push(item.features);
    labels.push(value);
  }
  return fitLogistic(features, labels, width, fitOptionsFor(sparseStrength, Math.max(labels.length, 1), target));
}

function fitScorer(rows: Prepared[], label: LabelKind, sparseStrength: number, width: number): Scorer {
  if (label === "expected-gain") {
    const model = fitTarget(rows, "strong", sparseStrength, width);
    const weakModel = fitTarget(rows, "weak", sparseStrength, width);
    return { model, weakModel, score: (features) => gainScore(predict(model, features), predict(weakModel, features)) };
  }
  const model = fitTarget(rows, label, sparseStrength, width);
  return { model, score: (features) => predict(model, features) };
}

function quantiles(values: number[]): number[] {
  const sorted = [...values].sort((left, right) => left - right);
  const out: number[] = [];
  for (let step = 0; step <= 100; step++) {
    const position = (step / 100) * (sorted.length - 1);
    const low = Math.floor(position);
    const high = Math.min(sorted.length - 1, low + 1);
    out.push(sorted[low]! + (position - low) * (sorted[high]! - sorted[low]!));
  }
  return out;
}

/** Out-of-fold scores: each row scored by a model that never saw it. */
function outOfFold(prepared: Prepared[], folds: number, label: LabelKind, sparseStrength: number, width: number, onFold?: (fold: number) => void): number[] {
  const scores = new Array<number>(prepared.length).fill(0);
  for (let fold = 0; fold < folds; fold++) {
    const trainRows: Prepared[] = [];
    for (const [index, item] of prepared.entries()) if (index % folds !== fold) trainRows.push(item);
    const scorer = fitScorer(trainRows, label, sparseStrength, width);
    for (const [index, item] of prepared.entries()) if (index % folds === fold) scores[index] = scorer.score(item.features);
    onFold?.(fold + 1);
  }
  return scores;
}

export function trainRouter(data: RoutingRow[], options: TrainOptions): TrainResult {
  const spec = options.features ?? defaultFeatureSpec;
  const width = sparseWidth(spec);
  const folds = Math.max(2, Math.min(options.folds ?? 5, 10));
  const rows = shuffled(scoredRows(data, options.strong, options.weak), options.seed ?? 1);
  const prepared: Prepared[] = rows.map((row) => ({ row, features: featurize(row.prompt, spec) }));
  const pairedCount = rows.filter(isPaired).length;

  const crossValidation: TrainResult["crossValidation"] = [];
  let best: { label: LabelKind; sparseStrength: number; apgr: number; scores: number[]; pgrCurve: number[] } | undefined;
  for (const candidate of options.grid ?? defaultGrid) {
    const scores = outOfFold(prepared, folds, candidate.label, candidate.sparseStrength, width, (fold) =>
      options.onProgress?.(`cv ${candidate.label} strength=${candidate.sparseStrength}: fold ${fold}/${folds} fitted`),
    );
    // Quality is measured on the rows that score both models; every row's score feeds the calibration.
    const evaluated = prepared.flatMap((item, index) => (isPaired(item.row) ? [{ score: scores[index]!, strong: item.row.strong, weak: item.row.weak }] : []));
    const { apgr, pgrCurve } = routingMetrics(evaluated);
    crossValidation.push({ ...candidate, apgr });
    options.onProgress?.(`cv ${candidate.label} strength=${candidate.sparseStrength}: APGR ${apgr.toFixed(3)}`);
    // The first candidate is the default; another replaces it only when clearly better, since
    // differences of a point or less in cross-validated APGR are within the noise of the folds.
    if (!best || apgr > best.apgr + SELECTION_MARGIN) best = { ...candidate, apgr, scores, pgrCurve };
  }
  const chosen = best!;
  const fit = fitOptionsFor(chosen.sparseStrength, prepared.length, "strong");
  const scorer = fitScorer(prepared, chosen.label, chosen.sparseStrength, width);
  const calibration = quantiles(chosen.scores);
  const qualityCurve = chosen.pgrCurve.map((value) => Number(value.toFixed(6)));
  const targetStrong = options.targetQuality === undefined ? (options.targetStrong ?? 0.3) : shareForQuality(qualityCurve, options.targetQuality);
  const file: RouterFile = {
    format: "switchyard-router",
    version: 2,
    strong: options.strong,
    weak: options.weak,
    label: chosen.label,
    features: spec,
    model: storeModel(scorer.model),
    ...(scorer.weakModel ? { weakModel: storeModel(scorer.weakModel) } : {}),
    calibration,
    targetStrong,
    ...(options.targetQuality === undefined ? {} : { targetQuality: options.targetQuality }),
    qualityCurve,
    threshold: thresholdForShare(calibration, targetStrong),
    training: {
      rows: prepared.length,
      pairedRows: pairedCount,
      folds,
      sparseStrength: chosen.sparseStrength,
      denseStrength: DENSE_STRENGTH,
      lambdaSparse: fit.lambdaSparse,
      lambdaDense: fit.lambdaDense,
      iterations: fit.iterations,
      crossValidatedApgr: chosen.apgr,
    },
  };
  return { file, crossValidation };
}
