import { readFileSync } from "node:fs";
import { z } from "zod";
import { SwitchyardError } from "../../core/errors.js";
import { featurize, type FeatureSpec } from "./features.js";
import { predict, type LogisticModel } from "./logistic.js";

/** ROUTER.json: everything needed to score a prompt, with no reference to the training data. */
export const routerFileSchema = z
  .object({
    format: z.literal("switchyard-router"),
    version: z.literal(1),
    strong: z.string().min(1),
    weak: z.string().min(1),
    label: z.enum(["strong-wins", "weak-shortfall"]),
    features: z.object({ hashBits: z.number().int().min(8).max(22), charNgrams: z.array(z.number().int().min(1).max(8)), maxChars: z.number().int().positive() }),
    model: z.object({
      bias: z.number(),
      denseWeights: z.array(z.number()),
      denseMean: z.array(z.number()),
      denseScale: z.array(z.number()),
      /** Little-endian float32 weights of the hashed features, base64. */
      sparseWeights: z.string(),
    }),
    /** Scores at quantiles 0, 0.01, ..., 1 of held-out (out-of-fold) training predictions. */
    calibration: z.array(z.number()).length(101),
    targetStrong: z.number().min(0).max(1),
    threshold: z.number(),
    training: z.looseObject({ rows: z.number().int() }),
  })
  .strict();

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

/** A loaded router: scores prompts (probability the strong model is needed). */
export class LearnedRouter {
  readonly spec: FeatureSpec;
  private readonly model: LogisticModel;

  constructor(readonly file: RouterFile) {
    this.spec = file.features;
    this.model = {
      bias: file.model.bias,
      denseWeights: Float64Array.from(file.model.denseWeights),
      denseMean: Float64Array.from(file.model.denseMean),
      denseScale: Float64Array.from(file.model.denseScale),
      sparseWeights: decodeWeights(file.model.sparseWeights, 2 << file.features.hashBits),
    };
  }

  score(text: string, turns = 1): number {
    return predict(this.model, featurize(text, this.spec, turns));
  }

  thresholdFor(targetStrong: number): number {
    return thresholdForShare(this.file.calibration, targetStrong);
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
