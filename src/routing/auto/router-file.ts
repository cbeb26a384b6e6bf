import { readFileSync } from "node:fs";
import { z } from "zod";
import { SwitchyardError } from "../../core/errors.js";
import { featurize, type FeatureSpec } from "./features.js";
import { predict, type LogisticModel } from "./logistic.js";

/** ROUTER.json: everything needed to score a prompt, with no reference to the training data. */
const modelSchema = z.object({
  bias: z.number(),
  denseWeights: z.array(z.number()),
  denseMean: z.array(z.number()),
  denseScale: z.array(z.number()),
  /** Little-endian float32 weights of the hashed features, base64. */
  sparseWeights: z.string(),
});

export type StoredModel = z.infer<typeof modelSchema>;

export const routerFileSchema = z
  .object({
    format: z.literal("switchyard-router"),
    version: z.union([z.literal(1), z.literal(2)]),
    strong: z.string().min(1),
    weak: z.string().min(1),
    /**
     * `expected-gain`: `model` predicts the strong model's quality and `weakModel` the weak one's; the
     * score is (strong - weak + 1) / 2. The other labels use `model` alone.
     */
    label: z.enum(["expected-gain", "strong-wins", "weak-shortfall"]),
    features: z.object({ hashBits: z.number().int().min(8).max(22), charNgrams: z.array(z.number().int().min(1).max(8)), maxChars: z.number().int().positive() }),
    model: modelSchema,
    weakModel: modelSchema.optional(),
    /** Scores at quantiles 0, 0.01, ..., 1 of held-out (out-of-fold) training predictions. */
    calibration: z.array(z.number()).length(101),
    targetStrong: z.number().min(0).max(1),
    /** Set when training chose targetStrong from a target quality. */
    targetQuality: z.number().min(0).max(1).optional(),
    /**
     * PGR of the out-of-fold scores at 0, 1, ..., 100 % strong calls: how much of the strong model's
     * quality gain a share of strong calls keeps, so a target quality maps to a share.
     */
    qualityCurve: z.array(z.number()).length(101).optional(),
    threshold: z.number(),
    training: z.looseObject({ rows: z.number().int() }),
  })
  .strict()
  .refine((file) => (file.label === "expected-gain") === (file.weakModel !== undefined), {
    message: "weakModel is required with label expected-gain and only then",
    path: ["weakModel"],
  });

export type RouterFile = z.infer<typeof routerFileSchema>;

export function encodeWeights(weights: Float32Array): string {
  return Buffer.from(weights.buffer, weights.byteOffset, weights.byteLength).toString("base64");
}

function decodeWeights(text: string, width: number): Float32Array {
  const buffer = Buffer.from(text, "base64");
  if (buffer.length !== width * 4) {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `router file: sparseWeights holds ${buffer.length / 4} weights, expected ${width}`);
  }
  const copy = new Uint8Array(buffer.length);
  copy.set(buffer);
  return new Float32Array(copy.buffer);
}

/** The threshold that sends `targetStrong` of calibration traffic to the strong model. */
export function thresholdForShare(calibration: readonly number[], targetStrong: number): number {
  const position = (1 - Math.min(1, Math.max(0, targetStrong))) * 100;
  const low = Math.floor(position);
  const high = Math.min(100, low + 1);
  const fraction = position - low;
  return calibration[low]! + fraction * (calibration[high]! - calibration[low]!);
}

export function storeModel(model: LogisticModel): StoredModel {
  return {
    bias: model.bias,
    denseWeights: [...model.denseWeights],
    denseMean: [...model.denseMean],
    denseScale: [...model.denseScale],
    sparseWeights: encodeWeights(model.sparseWeights),
  };
}

function loadModel(stored: StoredModel, spec: FeatureSpec): LogisticModel {
  return {
    bias: stored.bias,
    denseWeights: Float64Array.from(stored.denseWeights),
    denseMean: Float64Array.from(stored.denseMean),
    denseScale: Float64Array.from(stored.denseScale),
    sparseWeights: decodeWeights(stored.sparseWeights, 2 << spec.hashBits),
  };
}

/**
 * The smallest share of strong calls at which the quality curve reaches `targetQuality` (PGR), with
 * linear interpolation between percent points; 1 when it never does.
 */
export function shareForQuality(qualityCurve: readonly number[], targetQuality: number): number {
  if (qualityCurve[0]! >= targetQuality) return 0;
  for (let percent = 1; percent < qualityCurve.length; percent++) {
    const right = qualityCurve[percent]!;
    if (right >= targetQuality) {
      const left = qualityCurve[percent - 1]!;
      const fraction = right === left ? 1 : (targetQuality - left) / (right - left);
      return (percent - 1 + fraction) / 100;
    }
  }
  return 1;
}

/** The expected gain of the strong model over the weak one, mapped from -1..1 to 0..1. */
export function gainScore(strongQuality: number, weakQuality: number): number {
  return (strongQuality - weakQuality + 1) / 2;
}

/** A loaded router: scores prompts from 0 (the weak model will do) to 1 (the strong model is needed). */
export class LearnedRouter {
  readonly spec: FeatureSpec;
  private readonly model: LogisticModel;
  private readonly weakModel: LogisticModel | undefined;

  constructor(readonly file: RouterFile) {
    this.spec = file.features;
    this.model = loadModel(file.model, file.features);
    this.weakModel = file.weakModel && loadModel(file.weakModel, file.features);
  }

  score(text: string, turns = 1): number {
    const features = featurize(text, this.spec, turns);
    const primary = predict(this.model, features);
    return this.weakModel ? gainScore(primary, predict(this.weakModel, features)) : primary;
  }

  thresholdFor(targetStrong: number): number {
    return thresholdForShare(this.file.calibration, targetStrong);
  }

  /** The share of strong calls that keeps `targetQuality` of the strong model's gain (PGR). */
  shareForQuality(targetQuality: number): number {
    if (!this.file.qualityCurve) {
      throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", "this router file has no quality curve: train it again to use a target quality");
    }
    return shareForQuality(this.file.qualityCurve, targetQuality);
  }
}

export function parseRouterFile(json: unknown, source: string): LearnedRouter {
  const parsed = routerFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `${source}: not a router file (${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"})`);
  }
  return new LearnedRouter(parsed.data);
}

export function loadRouterFile(path: string): LearnedRouter {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new SwitchyardError("SWY_ERR_INVALID_REQUEST", `${path}: cannot read router file (${(error as Error).message})`);
  }
  return parseRouterFile(json, path);
}
