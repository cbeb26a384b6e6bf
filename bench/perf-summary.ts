import { readFileSync } from "node:fs";

/**
 * Summarises `perf script -F tid,ip,sym` output (from bench/perf-profile.ts) by inclusive share: the
 * part of all on-CPU samples whose stack holds a frame.
 *   npx tsx bench/perf-summary.ts bench/out/perf.stacks [PATTERN ...] [--callers=PATTERN] [--top=N]
 * With patterns: the share of samples with a frame containing each pattern (e.g. "fast-chat.js:51:",
 * "prom-client", "JsonStringify"). Without: the frames with the largest inclusive share.
 * `--callers=PATTERN`: the nearest JavaScript frames calling the frames that match.
 */
const args = process.argv.slice(2);
const option = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const [file, ...patterns] = args.filter((arg) => !arg.startsWith("--"));
const top = Number(option("top") ?? 60);
const callers = option("callers");

const samples: string[][] = [];
let current: string[] = [];
for (const line of readFileSync(file ?? "bench/out/perf.stacks", "utf8").split("\n")) {
  if (line.startsWith("\t") && line.trim() !== "") {
    const [, symbol = "?"] = line.trim().split(/ (.*)/s);
    current.push(symbol.replace(/\+0x[0-9a-f]+$/, "").replace(/file:\/\/\S*?\/(dist|src)\//, "$1/").replace(/\S*\/node_modules\//, ""));
  } else if (current.length > 0) {
    samples.push(current);
    current = [];
  }
}
if (current.length > 0) samples.push(current);
const share = (count: number) => `${((100 * count) / Math.max(1, samples.length)).toFixed(2).padStart(6)}%`;
const counts = new Map<string, number>();
const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);

console.log(`${samples.length} samples`);
if (callers !== undefined) {
  for (const stack of samples) {
    const index = stack.findIndex((frame) => frame.includes(callers));
    // The nearest JavaScript frame above the match: builtins and V8's own frames are skipped.
    if (index >= 0) count(stack.slice(index + 1).find((frame) => frame.startsWith("JS:")) ?? "(none)");
  }
} else if (patterns.length > 0) {
  for (const pattern of patterns) console.log(`${share(samples.filter((stack) => stack.some((frame) => frame.includes(pattern))).length)}  ${pattern}`);
} else {
  for (const stack of samples) for (const frame of new Set(stack)) count(frame);
}
for (const [frame, hits] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${share(hits)}  ${frame.slice(0, 160)}`);
