/**
 * Honest evaluation of the learned router: train on one split, evaluate on another, and across data
 * sets (train on A, evaluate on B). Prints the router beside the random and "longer prompt" baselines.
 * Usage: npx tsx bench/router/evaluate.ts [--data-dir ../shared/data/routing] [--strong M] [--weak M] [--seeds 3]
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { pairRows, readRoutingData, shuffled, type RoutingRow } from "../../src/routing/auto/dataset.js";
import { evaluateScores, lengthBaseline, randomBaseline } from "../../src/routing/auto/evaluate.js";
import { LearnedRouter } from "../../src/routing/auto/router-file.js";
import { trainRouter } from "../../src/routing/auto/train.js";

const { values } = parseArgs({
  options: { "data-dir": { type: "string" }, strong: { type: "string" }, weak: { type: "string" }, seeds: { type: "string" } },
});
const directory = values["data-dir"] ?? "../shared/data/routing";
const strong = values.strong ?? "gpt-4-1106-preview";
const weak = values.weak ?? "mistralai/Mixtral-8x7B-Instruct-v0.1";
const seeds = Number(values.seeds ?? 3);
const sets = new Map<string, RoutingRow[]>();
for (const name of readdirSync(directory).filter((file) => file.endsWith(".jsonl")).sort()) {
  sets.set(name.replace(/\.jsonl$/, ""), readRoutingData(join(directory, name)));
}

interface Line {
  setting: string;
  rows: number;
  router: { apgr: number; cpt50: number | null; cpt80: number | null };
  longer_prompt: { apgr: number; cpt50: number | null; cpt80: number | null };
  random: { apgr: number; cpt50: number | null; cpt80: number | null };
}

function evaluate(setting: string, train: RoutingRow[], test: RoutingRow[]): Line {
  const router = new LearnedRouter(trainRouter(train, { strong, weak }).file);
  const paired = pairRows(test, strong, weak);
  const metrics = evaluateScores(paired, paired.map((row) => router.score(row.prompt)));
  const length = lengthBaseline(paired);
  const pick = (item: { apgr: number; cpt50: number | null; cpt80: number | null }) => ({ apgr: item.apgr, cpt50: item.cpt50, cpt80: item.cpt80 });
  return { setting, rows: paired.length, router: pick(metrics), longer_prompt: pick(length), random: randomBaseline(paired) };
}

const lines: Line[] = [];
for (const [name, rows] of sets) {
  if (rows.length < 200) continue; // too small to split into a meaningful train and test half
  for (let seed = 1; seed <= seeds; seed++) {
    const order = shuffled(rows, seed * 7919);
    const half = Math.floor(order.length / 2);
    lines.push(evaluate(`${name}: train half A, test half B (seed ${seed})`, order.slice(0, half), order.slice(half)));
  }
}
for (const [trainName, trainRows] of sets) {
  for (const [testName, testRows] of sets) {
    if (trainName !== testName) lines.push(evaluate(`train ${trainName} -> test ${testName}`, trainRows, testRows));
  }
}

const format = (value: number | null) => (value === null ? "  never" : `${value.toFixed(1).padStart(6)}%`);
for (const line of lines) {
  console.log(`${line.setting} (${line.rows} rows)`);
  for (const [label, item] of [["router", line.router], ["longer prompt", line.longer_prompt], ["random", line.random]] as const) {
    console.log(`  ${label.padEnd(14)} APGR ${item.apgr.toFixed(3)}  CPT(50%) ${format(item.cpt50)}  CPT(80%) ${format(item.cpt80)}`);
  }
}
console.log(JSON.stringify(lines));
