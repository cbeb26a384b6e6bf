import { parseArgs } from "node:util";
import { USAGE_COLUMNS } from "../../src/control/usage/usage-ledger.js";
import type { UsageRow } from "../../src/control/usage/usage-record.js";
import { createTimeOrderedId } from "../../src/core/ids.js";
import { jsonArrayLines } from "../../src/storage/journal/json-line.js";

/**
 * What writing a usage row's journal line costs: the object line (`JSON.stringify(row)`, the string
 * then encoded to UTF-8 as write(2) takes it; the request log's journal still writes these) against the
 * usage journal's array line written straight into bytes (`jsonArrayLines`), interleaved in one
 * process. Prints the median CPU ns per row of each and the median of the per-pair ratios.
 *   npx tsx bench/control/journal-lines.ts [--batch=20] [--pairs=21]
 */
const { values } = parseArgs({ options: { batch: { type: "string", default: "20" }, pairs: { type: "string", default: "21" } }, strict: true });
const batch = Number(values.batch);
const pairs = Number(values.pairs);

const now = Date.now();
const rows = Array.from({ length: batch }, (_, index): UsageRow => ({
  id: createTimeOrderedId("usg_", 20, now + index),
  request_id: createTimeOrderedId("req_", 24, now + index),
  created_at: now + index,
  day: "2026-12-03",
  key_id: index % 2 === 0 ? "master" : "key_0123456789abcdefghij",
  project_id: index % 3 === 0 ? null : "default",
  api: "openai",
  model: "bench",
  provider: "mock",
  provider_type: "openai",
  upstream_model: "gpt-4o-mini",
  input_tokens: 12 + (index % 7),
  output_tokens: 24,
  cached_input_tokens: 0,
  estimated: 0,
  cost_usd: 0.0000123 * (index % 5),
  latency_ms: 3,
  ttft_ms: null,
  status: "success",
  http_status: 200,
  error_code: null,
  stream: 0,
  router_decision: null,
  deployment_variant: null,
}));
// The ids have been read whole by the time a row is journaled (the response carried them).
for (const row of rows) void JSON.stringify([row.id, row.request_id]);

const lines = jsonArrayLines<UsageRow>(USAGE_COLUMNS);
const variants = {
  object: () => {
    let text = "";
    for (const row of rows) text += `${JSON.stringify(row)}\n`;
    return Buffer.from(text).length;
  },
  array: () => lines.encode(rows).length,
};

function nsPerRow(write: () => number): number {
  const repeats = Math.max(1, Math.round(100_000 / batch));
  const before = process.cpuUsage();
  let bytes = 0;
  for (let index = 0; index < repeats; index++) bytes += write();
  const used = process.cpuUsage(before);
  if (bytes < 0) throw new Error("unreachable");
  return ((used.user + used.system) * 1000) / (repeats * batch);
}

const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
const object: number[] = [];
const array: number[] = [];
for (let pair = 0; pair < pairs; pair++) {
  object.push(nsPerRow(variants.object));
  array.push(nsPerRow(variants.array));
}
process.stdout.write(
  `journal line of a usage row (batches of ${batch}, ${pairs} pairs): object ${median(object).toFixed(0)} ns, array ${median(array).toFixed(0)} ns, ratio ${median(array.map((value, index) => value / object[index]!)).toFixed(3)}\n`,
);
