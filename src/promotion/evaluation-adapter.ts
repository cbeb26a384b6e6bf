/**
 * The promotion's evaluation through the evaluation runner (`app.evaluations`, docs/evaluations.md):
 * one stored evaluation of the held-out rows, its per-model summary, and its per-row quality for
 * retraining the router.
 */
import { SwitchyardError } from "../core/errors.js";
import type { Evaluations } from "../evaluations/create-evaluations.js";
import type { EvaluationOutput, PromotionEvaluator } from "./evaluator.js";

const PAGE = 500;

export function runnerEvaluator(runner: () => Pick<Evaluations, "run" | "store">): PromotionEvaluator {
  return async (input) => {
    const evaluations = runner();
    const record = await evaluations.run(
      {
        name: input.name,
        dataset: { rows: input.examples.map((example) => ({ messages: example.messages, reference: example.reference })) },
        models: input.models,
        scorers: input.scorers,
        baseline: input.baseline,
        seed: input.seed,
        ...(input.parameters ? { parameters: input.parameters } : {}),
      },
      input.projectId,
    );
    if (record.status !== "completed" || !record.summary) {
      throw new SwitchyardError("SWY_ERR_INTERNAL", `The evaluation ${record.id} ended ${record.status}${record.error ? `: ${record.error.message}` : ""}.`);
    }
    const scores: EvaluationOutput["scores"] = {};
    for (const model of input.models) {
      const perRow = new Array<number | null>(input.examples.length).fill(null);
      for (let offset = 0; ; offset += PAGE) {
        const page = await evaluations.store.results(record.id, { limit: PAGE, offset, model });
        // A failed call teaches the router nothing about the prompt: left out (null), not scored 0.
        for (const row of page) if (row.row >= 0 && row.row < perRow.length) perRow[row.row] = row.error ? null : row.quality;
        if (page.length < PAGE) break;
      }
      scores[model] = perRow;
    }
    return { evaluationId: record.id, models: record.summary.models, scores };
  };
}
