/**
 * The flywheel's before/after figures: cost per request and held-out quality of the routed auto
 * model, the strong tier and the weak tier, before and after logged traffic fine-tunes the local
 * model and a gated promotion puts it in the weak tier. The same run as test/e2e/flywheel.test.ts
 * (test/e2e/flywheel/run-flywheel.ts), offline: the OpenAI emulator priced as in the config, and
 * ../shared/models/stories260K.gguf on this CPU. Every draw is seeded.
 *
 *   npx tsx bench/flywheel.ts [--epochs=20] [--lr=0.25] [--orders=80] [--sums=12] [--seed=3] [--model=PATH]
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sharedModel } from "../test/helpers/shared-models.js";
import { runFlywheel, STRONG_PRICE } from "../test/e2e/flywheel/run-flywheel.js";
import type { Figures } from "../test/e2e/flywheel/measure.js";

const { values } = parseArgs({
  options: {
    epochs: { type: "string", default: "20" },
    lr: { type: "string", default: "0.25" },
    orders: { type: "string", default: "80" },
    sums: { type: "string", default: "12" },
    "held-out": { type: "string", default: "10" },
    seed: { type: "string", default: "3" },
    model: { type: "string" },
  },
});
const model = values.model ?? sharedModel("stories260K.gguf");
if (!model) throw new Error("No model: pass --model=PATH or put stories260K.gguf in ../shared/models/.");

const dataDir = mkdtempSync(join(tmpdir(), "swy-flywheel-bench-"));
const started = performance.now();
try {
  mkdirSync(join(dataDir, "models"), { recursive: true });
  copyFileSync(model, join(dataDir, "models", "base.gguf"));
  const heldOut = Number(values["held-out"]);
  const result = await runFlywheel({
    dataDir,
    traffic: { orders: Number(values.orders), sums: Number(values.sums) },
    heldOut: { orders: heldOut, sums: heldOut },
    epochs: Number(values.epochs),
    learningRateMultiplier: Number(values.lr),
    validationFraction: 0.15,
    maxTokens: 24,
    seed: Number(values.seed),
    minQualityShare: 0.9,
    onStep: (step) => console.error(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${step}`),
  });
  const row = (label: string, figures: Figures) =>
    `| ${label} | ${figures.quality.toFixed(2)} (orders ${figures.byFamily.orders.correct}/${figures.byFamily.orders.requests}, sums ${figures.byFamily.sums.correct}/${figures.byFamily.sums.requests}) | $${(figures.costPerRequestUsd * 1e6).toFixed(2)} | ${Object.entries(figures.routedTo).map(([name, count]) => `${name} ${count}`).join(", ")} |`;
  const promoted = Object.fromEntries((result.promotion.evaluation?.models ?? []).map((figures) => [figures.role, figures]));
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}; model ${model}`);
  console.log(`strong model price: $${STRONG_PRICE.input}/$${STRONG_PRICE.output} per million input/output tokens; local: free`);
  console.log(`dataset: ${JSON.stringify(result.dataset.counts)}`);
  console.log(`fine-tune: ${result.job.status}, ${values.epochs} epochs, lr x${values.lr}, train loss ${result.job.metrics[0]?.train_loss.toFixed(3)} -> ${result.job.metrics.at(-1)?.train_loss.toFixed(3)}, validation loss ${result.job.evaluation?.base_valid_loss.toFixed(3)} -> ${result.job.evaluation?.final_valid_loss.toFixed(3)}`);
  console.log(`fine-tuned model on ${JSON.stringify(result.candidateSample.prompt)}: ${JSON.stringify(result.candidateSample.answer)}`);
  console.log(`its answers in the promotion's evaluation: ${JSON.stringify(result.candidateRows.map((row) => [row.output, row.quality]))}`);
  console.log(`untuned candidate: ${result.refused.status} (${result.refused.refusal?.message ?? ""})`);
  console.log(`fine-tuned candidate: ${result.promotion.status}; held-out quality ${promoted.candidate?.quality.mean.toFixed(2)} vs strong ${promoted.strong?.quality.mean.toFixed(2)}, weak ${promoted.weak?.quality.mean.toFixed(2) ?? "-"}`);
  console.log("");
  console.log(`held-out set: ${heldOut} order questions + ${heldOut} sums, none in the traffic; exact match, temperature 0`);
  console.log("| | quality | cost per request (micro-USD) | answered by |");
  console.log("|---|---|---|---|");
  console.log(row("before: routed (`smart`)", result.before.routed));
  console.log(row("before: strong tier", result.before.strong));
  console.log(row("before: weak tier (untuned local)", result.before.weak));
  console.log(row("after: routed (`smart`)", result.after.routed));
  console.log(row("after: fine-tuned local model alone", result.after.candidate));
  console.log("");
  console.log(`seconds per step: ${JSON.stringify(result.seconds)}; total ${((performance.now() - started) / 1000).toFixed(0)} s`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
