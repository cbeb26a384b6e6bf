/**
 * Retrains an auto model's router in-process for a promotion: the rated routing samples the model
 * collected (each scores the tier that answered) plus the promotion's held-out evaluation, which
 * scores the strong model and the candidate on the same prompts (the paired rows training needs to
 * measure quality and set the threshold).
 */
import { SwitchyardError } from "../core/errors.js";
import type { RoutingRow } from "../routing/auto/dataset.js";
import type { RouterFile } from "../routing/auto/router-file.js";
import { trainRouter } from "../routing/auto/train.js";
import { trainingRow } from "../routing/feedback/export-samples.js";
import type { RoutingSampleStore } from "../routing/feedback/sample-store.js";
import type { HeldOutExample } from "./held-out.js";

/** Training is synchronous JavaScript on the event loop: the stored samples are capped to keep it short. */
export const MAX_SAMPLE_ROWS = 2_000;

export interface RetrainInput {
  samples: RoutingSampleStore;
  autoModel: string;
  /** Names as the tiers call them: the rows' score keys. */
  strong: string;
  weak: string;
  examples: readonly HeldOutExample[];
  strongScores: ReadonlyArray<number | null>;
  weakScores: ReadonlyArray<number | null>;
  targetQuality: number;
  seed: number;
}

export interface RetrainResult {
  file: RouterFile;
  rows: { samples: number; evaluation: number };
}

/** The text the router scores: the latest user turn (as `routingText` reads a request). */
function promptOf(example: HeldOutExample): string {
  return example.messages.filter((message) => message.role === "user").at(-1)?.content ?? "";
}

export async function retrainRouter(input: RetrainInput): Promise<RetrainResult> {
  const rows: RoutingRow[] = [];
  let samples = 0;
  for await (const sample of input.samples.rated(input.autoModel)) {
    const row = trainingRow(sample);
    // Ratings of a model that is neither tier now (the weak model being replaced) teach nothing.
    if (!(input.strong in row.scores) && !(input.weak in row.scores)) continue;
    rows.push(row);
    if (++samples >= MAX_SAMPLE_ROWS) break;
  }
  let evaluation = 0;
  input.examples.forEach((example, index) => {
    const strong = input.strongScores[index];
    const weak = input.weakScores[index];
    if (strong === null || strong === undefined || weak === null || weak === undefined) return;
    rows.push({ prompt: promptOf(example), scores: { [input.strong]: strong, [input.weak]: weak } });
    evaluation++;
  });
  if (evaluation < 2) {
    throw new SwitchyardError("SWY_ERR_INVALID_DATASET", `Retraining the router needs at least 2 held-out examples that both the strong model and the candidate answered; ${evaluation} did.`);
  }
  const { file } = trainRouter(rows, {
    strong: input.strong,
    weak: input.weak,
    targetQuality: input.targetQuality,
    folds: Math.min(5, evaluation),
    seed: input.seed,
  });
  return { file, rows: { samples, evaluation } };
}
