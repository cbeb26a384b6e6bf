/**
 * Guardrails benchmark: precision/recall per category on a generated labelled set, detector
 * throughput, added latency per request (in-process and through HTTP), and streaming overhead.
 *
 *   npx tsx bench/guardrails/run.ts [--records 3000] [--quick]
 *
 * Writes bench/out/guardrails.json and prints Markdown tables. Timings are only comparable within
 * one run on one machine; the ratios are the figures to quote.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { DetectorSet } from "../../src/guardrails/detectors/index.js";
import { evaluate } from "./evaluate.js";
import { generateRecords } from "./generate.js";
import { measureHttpLatency, measurePipelineLatency, measureStreaming, measureThroughput } from "./timing.js";

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
}

const quick = process.argv.includes("--quick");
const records = generateRecords(argument("records", quick ? 500 : 3000));
const detectors = new DetectorSet({ phoneDefaultCountry: "US" });
const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

const quality = evaluate(detectors, records);
console.log(`\n## Precision / recall (${records.length} records, seed 7, overlap >= 50%)\n`);
console.log("| category | support | TP | FP | FN | exact spans | precision | recall | F1 |");
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const score of quality.scores) {
  console.log(`| ${score.category} | ${score.support} | ${score.truePositives} | ${score.falsePositives} | ${score.falseNegatives} | ${score.exact} | ${percent(score.precision)} | ${percent(score.recall)} | ${score.f1.toFixed(3)} |`);
}
console.log(`\nFalse positives by the negative kinds present in the record: ${JSON.stringify(quality.falsePositivesByNegative)}`);

const throughput = measureThroughput(detectors, records, quick ? 2 : 8);
console.log("\n## Detector throughput (one detect() call per text)\n");
console.log("| text | MB/s |\n|---|---:|");
console.log(`| labelled set, all ${detectors.categories.length} categories (every record has number-like negatives) | ${throughput.allCategoriesMBps.toFixed(2)} |`);
console.log(`| labelled set, default input policy categories | ${throughput.defaultPolicyMBps.toFixed(2)} |`);
console.log(`| support-ticket text, ~1 KB each, an email/phone/card/IBAN every ~120 characters | ${throughput.supportTicketsMBps.toFixed(2)} |`);
console.log(`| prose without digits, @ or key prefixes | ${throughput.plainProseMBps.toFixed(2)} |`);

const pipeline = await measurePipelineLatency(quick ? 100 : 400);
console.log("\n## Added latency per request, in process (input policy + output checks + unmasking)\n");
console.log("| request | p50 ms | p95 ms | mean ms |\n|---|---:|---:|---:|");
for (const row of pipeline) console.log(`| ${row.label} | ${row.p50.toFixed(3)} | ${row.p95.toFixed(3)} | ${row.mean.toFixed(3)} |`);

const streaming = await measureStreaming(quick ? 20 : 100);
console.log(`\n## Streaming overhead (${streaming.deltas} deltas of 4 characters, ${streaming.placeholders} placeholders)\n`);
console.log(`passthrough ${streaming.passthroughMs.toFixed(2)} ms; unmasking only ${streaming.unmaskMs.toFixed(2)} ms (${streaming.unmaskPerDeltaUs.toFixed(2)} µs/delta); unmasking + output checks ${streaming.guardedMs.toFixed(2)} ms (${streaming.guardedPerDeltaUs.toFixed(2)} µs/delta)`);

const http = await measureHttpLatency(quick ? 100 : 400);
console.log("\n## Through HTTP (inject, OpenAI emulator upstream on loopback)\n");
console.log("| mode | without guardrails p50 ms | with guardrails p50 ms | ratio |\n|---|---:|---:|---:|");
for (const row of http) console.log(`| ${row.label} | ${row.without.toFixed(3)} | ${row.with.toFixed(3)} | ${(row.with / row.without).toFixed(2)} |`);

const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version };
console.log(`\nmachine: ${JSON.stringify(machine)}`);
mkdirSync("bench/out", { recursive: true });
writeFileSync("bench/out/guardrails.json", JSON.stringify({ machine, quality, throughput, pipeline, streaming, http }, null, 2));
