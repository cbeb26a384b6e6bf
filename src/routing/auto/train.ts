import { pairRows, shuffled, type PairedRow, type RoutingRow } from "./dataset.js";
import { defaultFeatureSpec, denseFeatureNames, featurize, sparseWidth, type FeatureSpec, type Features } from "./features.js";
import { defaultFitOptions, fitLogistic, predict, type FitOptions } from "./logistic.js";
import { routingMetrics } from "./metrics.js";
import { encodeWeights, thresholdForShare, type RouterFile } from "./router-file.js";

/**
 * What the model learns to predict:
 * - `strong-wins`: how much better the strong model did (max(0, strong - weak));
 * - `weak-shortfall`: how far the weak model fell short of a perfect answer (1 - weak).
 * Which one ranks prompts better is chosen by cross-validation on the training data alone.
 */
export type LabelKind = RouterFile["label"];

export function labelFor(row: PairedRow, kind: LabelKind): number {
  return kind === "strong-wins" ? Math.max(0, Math.min(1, row.strong - row.weak)) : 1 - row.weak;
}

export interface TrainOptions {
  strong: string;
  weak: string;
  targetStrong?: number;
  folds?: number;
  seed?: number;
  features?: FeatureSpec;
  /**
   * Candidate settings compared by cross-validation. `sparseStrength` is the L2 prior strength on
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

const defaultGrid: Array<{ label: LabelKind; sparseStrength: number }> = [
  { label: "strong-wins", sparseStrength: 0.65 },
  { label: "strong-wins", sparseStrength: 6.5 },
  { label: "weak-shortfall", sparseStrength: 0.65 },
];

/**
 * The dense counts are few and hand-made, so they are held firmly to a prior: "a longer prompt needs
 * the strong model more" (the usual baseline), one standard deviation of length = +1 logit. With
 * little data the router stays close to that baseline; the hashed n-grams carry what the data adds.
 */
const DENSE_STRENGTH = 65;

function lengthPrior(): Float64Array {
  const prior = new Float64Array(denseFeatureNames.length);
  prior[denseFeatureNames.indexOf("log_chars")] = 1;
  return prior;
}

function fitOptionsFor(sparseStrength: number, rows: number): FitOptions {
  return { ...defaultFitOptions, lambdaSparse: sparseStrength / rows, lambdaDense: DENSE_STRENGTH / rows, densePrior: lengthPrior() };
}

interface Prepared {
  row: PairedRow;
  features: Features;
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
function outOfFold(prepared: Prepared[], folds: number, label: LabelKind, sparseStrength: number, width: number): number[] {
  const scores = new Array<number>(prepared.length).fill(0);
  for (let fold = 0; fold < folds; fold++) {
    const trainRows: Prepared[] = [];
    for (const [index, item] of prepared.entries()) if (index % folds !== fold) trainRows.push(item);
    const fit = fitOptionsFor(sparseStrength, trainRows.length);
    const model = fitLogistic(trainRows.map((item) => item.features), trainRows.map((item) => labelFor(item.row, label)), width, fit);
    for (const [index, item] of prepared.entries()) if (index % folds === fold) scores[index] = predict(model, item.features);
  }
  return scores;
}

export function trainRouter(data: RoutingRow[], options: TrainOptions): TrainResult {
  const spec = options.features ?? defaultFeatureSpec;
  const width = sparseWidth(spec);
  const folds = Math.max(2, Math.min(options.folds ?? 5, 10));
  const targetStrong = options.targetStrong ?? 0.3;
  const paired = shuffled(pairRows(data, options.strong, options.weak), options.seed ?? 1);
  const prepared: Prepared[] = paired.map((row) => ({ row, features: featurize(row.prompt, spec) }));

  const crossValidation: TrainResult["crossValidation"] = [];
  let best: { label: LabelKind; sparseStrength: number; apgr: number; scores: number[] } | undefined;
  for (const candidate of options.grid ?? defaultGrid) {
    const scores = outOfFold(prepared, folds, candidate.label, candidate.sparseStrength, width);
    const { apgr } = routingMetrics(prepared.map((item, index) => ({ score: scores[index]!, strong: item.row.strong, weak: item.row.weak })));
    crossValidation.push({ ...candidate, apgr });
    options.onProgress?.(`cv ${candidate.label} strength=${candidate.sparseStrength}: APGR ${apgr.toFixed(3)}`);
    if (!best || apgr > best.apgr) best = { ...candidate, apgr, scores };
  }
  const chosen = best!;
  const fit = fitOptionsFor(chosen.sparseStrength, prepared.length);
  const model = fitLogistic(prepared.map((item) => item.features), prepared.map((item) => labelFor(item.row, chosen.label)), width, fit);
  const calibration = quantiles(chosen.scores);
  const file: RouterFile = {
    format: "switchyard-router",
    version: 1,
    strong: options.strong,
    weak: options.weak,
    label: chosen.label,
    features: spec,
    model: {
      bias: model.bias,
      denseWeights: [...model.denseWeights],
      denseMean: [...model.denseMean],
      denseScale: [...model.denseScale],
      sparseWeights: encodeWeights(model.sparseWeights),
    },
    calibration,
    targetStrong,
    threshold: thresholdForShare(calibration, targetStrong),
    training: {
      rows: prepared.length,
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
