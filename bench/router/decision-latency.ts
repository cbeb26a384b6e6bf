/**
 * Time per auto-router decision (feature extraction + scoring) over real prompts.
 * Usage: npx tsx bench/router/decision-latency.ts [--data FILE.jsonl] [--router ROUTER.json]
 * Without --router it trains one on the first half of the data first (not timed).
 */
import { parseArgs } from "node:util";
import { readRoutingData } from "../../src/routing/auto/dataset.js";
import { LearnedRouter, loadRouterFile } from "../../src/routing/auto/router-file.js";
import { trainRouter } from "../../src/routing/auto/train.js";

const { values } = parseArgs({ options: { data: { type: "string" }, router: { type: "string" }, strong: { type: "string" }, weak: { type: "string" } } });
const dataPath = values.data ?? "../shared/data/routing/gsm8k.jsonl";
const rows = readRoutingData(dataPath);
const models = Object.keys(rows[0]?.scores ?? {});
const router = values.router
  ? loadRouterFile(values.router)
  : new LearnedRouter(trainRouter(rows.slice(0, Math.floor(rows.length / 2)), { strong: values.strong ?? models[0]!, weak: values.weak ?? models[1]!, folds: 3, grid: [{ label: "expected-gain", sparseStrength: 0.65 }] }).file);

const prompts = rows.map((row) => row.prompt);
for (const prompt of prompts.slice(0, 200)) router.score(prompt); // warm-up (JIT)
const samples: number[] = [];
let sink = 0;
for (let round = 0; round < 5; round++) {
  for (const prompt of prompts) {
    const started = process.hrtime.bigint();
    sink += router.score(prompt);
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
}
samples.sort((left, right) => left - right);
const at = (quantile: number) => samples[Math.min(samples.length - 1, Math.floor(quantile * samples.length))]!;
const meanChars = prompts.reduce((sum, prompt) => sum + prompt.length, 0) / prompts.length;
console.log(
  JSON.stringify({
    data: dataPath,
    decisions: samples.length,
    mean_prompt_chars: Math.round(meanChars),
    p50_ms: Number(at(0.5).toFixed(4)),
    p99_ms: Number(at(0.99).toFixed(4)),
    max_ms: Number(samples.at(-1)!.toFixed(4)),
    checksum: Number(sink.toFixed(3)),
  }),
);
