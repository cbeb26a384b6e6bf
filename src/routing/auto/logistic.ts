import type { Features } from "./features.js";

/**
 * L2-regularised logistic regression over hashed sparse features plus standardised dense ones,
 * fitted with full-batch Adam on soft labels (0..1). Full batch keeps the fit deterministic, so the
 * same data and settings always give the same ROUTER.json.
 */

export interface LogisticModel {
  sparseWeights: Float32Array;
  denseWeights: Float64Array;
  denseMean: Float64Array;
  denseScale: Float64Array;
  bias: number;
}

export interface FitOptions {
  /** L2 strength on the hashed features. */
  lambdaSparse: number;
  /** L2 strength on the dense features (fewer, standardised, so they can carry more weight). */
  lambdaDense: number;
  iterations: number;
  learningRate: number;
  /**
   * Where the dense weights are pulled to instead of zero (standardised units). With little data the
   * model stays close to this prior; with more, the data moves it away.
   */
  densePrior?: ArrayLike<number>;
}

export const defaultFitOptions: FitOptions = { lambdaSparse: 1e-3, lambdaDense: 1e-2, iterations: 150, learningRate: 0.08 };

export function sigmoid(value: number): number {
  return value >= 0 ? 1 / (1 + Math.exp(-value)) : Math.exp(value) / (1 + Math.exp(value));
}

export function logit(model: LogisticModel, features: Features): number {
  let sum = model.bias;
  const { indices, values } = features.sparse;
  for (let index = 0; index < indices.length; index++) sum += model.sparseWeights[indices[index]!]! * values[index]!;
  const dense = features.dense;
  for (let index = 0; index < dense.length; index++) {
    sum += model.denseWeights[index]! * ((dense[index]! - model.denseMean[index]!) / model.denseScale[index]!);
  }
  return sum;
}

export function predict(model: LogisticModel, features: Features): number {
  return sigmoid(logit(model, features));
}

function standardisation(rows: Features[], width: number): { mean: Float64Array; scale: Float64Array } {
  const mean = new Float64Array(width);
  const scale = new Float64Array(width);
  for (const row of rows) for (let index = 0; index < width; index++) mean[index]! += row.dense[index]! / rows.length;
  for (const row of rows) for (let index = 0; index < width; index++) scale[index]! += (row.dense[index]! - mean[index]!) ** 2 / rows.length;
  for (let index = 0; index < width; index++) scale[index] = Math.sqrt(scale[index]!) || 1;
  return { mean, scale };
}

interface AdamState {
  first: Float64Array;
  second: Float64Array;
}

function adamStep(weights: Float64Array | Float32Array, gradient: Float64Array, state: AdamState, rate: number, step: number, touched?: Uint32Array): void {
  const beta1 = 0.9;
  const beta2 = 0.999;
  const correction1 = 1 - beta1 ** step;
  const correction2 = 1 - beta2 ** step;
  const count = touched ? touched.length : weights.length;
  for (let position = 0; position < count; position++) {
    const index = touched ? touched[position]! : position;
    const grad = gradient[index]!;
    state.first[index] = beta1 * state.first[index]! + (1 - beta1) * grad;
    state.second[index] = beta2 * state.second[index]! + (1 - beta2) * grad * grad;
    weights[index] = weights[index]! - (rate * (state.first[index]! / correction1)) / (Math.sqrt(state.second[index]! / correction2) + 1e-8);
  }
}

/** All rows' sparse features in one contiguous (CSR) layout, and the dense ones standardised once. */
function packRows(rows: Features[], mean: Float64Array, scale: Float64Array) {
  const denseWidth = mean.length;
  const offsets = new Uint32Array(rows.length + 1);
  for (const [row, features] of rows.entries()) offsets[row + 1] = offsets[row]! + features.sparse.indices.length;
  const indices = new Uint32Array(offsets[rows.length]!);
  const values = new Float32Array(offsets[rows.length]!);
  const standardised = new Float64Array(rows.length * denseWidth);
  for (const [row, features] of rows.entries()) {
    indices.set(features.sparse.indices, offsets[row]);
    values.set(features.sparse.values, offsets[row]);
    for (let index = 0; index < denseWidth; index++) standardised[row * denseWidth + index] = (features.dense[index]! - mean[index]!) / scale[index]!;
  }
  return { offsets, indices, values, standardised };
}

export function fitLogistic(rows: Features[], labels: number[], sparseWidth: number, options: FitOptions = defaultFitOptions): LogisticModel {
  const denseWidth = rows[0]?.dense.length ?? 0;
  const { mean, scale } = standardisation(rows, denseWidth);
  const model: LogisticModel = {
    sparseWeights: new Float32Array(sparseWidth),
    denseWeights: new Float64Array(denseWidth),
    denseMean: mean,
    denseScale: scale,
    bias: 0,
  };
  if (options.densePrior) for (let index = 0; index < denseWidth; index++) model.denseWeights[index] = options.densePrior[index] ?? 0;
  const positive = labels.reduce((sum, label) => sum + label, 0) / Math.max(labels.length, 1);
  model.bias = Math.log(Math.max(positive, 1e-3) / Math.max(1 - positive, 1e-3));

  // Only slots some row touches can move away from zero; updating just those keeps each step cheap.
  const touchedSet = new Set<number>();
  for (const row of rows) for (const index of row.sparse.indices) touchedSet.add(index);
  const touched = Uint32Array.from([...touchedSet].sort((left, right) => left - right));

  const sparseGradient = new Float64Array(sparseWidth);
  const denseGradient = new Float64Array(denseWidth);
  const sparseState: AdamState = { first: new Float64Array(sparseWidth), second: new Float64Array(sparseWidth) };
  const denseState: AdamState = { first: new Float64Array(denseWidth), second: new Float64Array(denseWidth) };
  const biasState: AdamState = { first: new Float64Array(1), second: new Float64Array(1) };
  const biasHolder = new Float64Array(1);
  const biasGradient = new Float64Array(1);
  const count = rows.length;
  const packed = packRows(rows, mean, scale);
  const { offsets, indices, values, standardised } = packed;

  for (let step = 1; step <= options.iterations; step++) {
    for (const index of touched) sparseGradient[index] = options.lambdaSparse * model.sparseWeights[index]!;
    for (let index = 0; index < denseWidth; index++) {
      denseGradient[index] = options.lambdaDense * (model.denseWeights[index]! - (options.densePrior?.[index] ?? 0));
    }
    biasGradient[0] = 0;
    const weights = model.sparseWeights;
    const denseWeights = model.denseWeights;
    for (let row = 0; row < count; row++) {
      // The same sums, in the same order, as logit(): the packed loop only saves lookups.
      const start = offsets[row]!;
      const end = offsets[row + 1]!;
      const denseStart = row * denseWidth;
      let sum = model.bias;
      for (let at = start; at < end; at++) sum += weights[indices[at]!]! * values[at]!;
      for (let index = 0; index < denseWidth; index++) sum += denseWeights[index]! * standardised[denseStart + index]!;
      const error = (sigmoid(sum) - labels[row]!) / count;
      for (let at = start; at < end; at++) sparseGradient[indices[at]!]! += error * values[at]!;
      for (let index = 0; index < denseWidth; index++) denseGradient[index]! += error * standardised[denseStart + index]!;
      biasGradient[0]! += error;
    }
    adamStep(model.sparseWeights, sparseGradient, sparseState, options.learningRate, step, touched);
    adamStep(model.denseWeights, denseGradient, denseState, options.learningRate, step);
    biasHolder[0] = model.bias;
    adamStep(biasHolder, biasGradient, biasState, options.learningRate, step);
    model.bias = biasHolder[0]!;
  }
  return model;
}
