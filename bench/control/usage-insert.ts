import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createId, createTimeOrderedId } from "../../src/core/ids.js";
import { USAGE_COLUMNS } from "../../src/control/usage/usage-ledger.js";
import type { UsageRow } from "../../src/control/usage/usage-record.js";
import { openDatabase } from "../../src/storage/index.js";
import { sqliteBatchInsert } from "../../src/storage/sqlite-batch-insert.js";

/**
 * What one usage row costs the embedded database as the table grows, with the ids the gateway makes
 * (time-ordered: the milliseconds first) against random ids of the same length, side by side: two
 * databases migrated as the gateway migrates them, filled in alternating batches through the same
 * prepared insert the usage ledger uses. Prints CPU microseconds per row for each slice of the table's
 * growth, and the bytes each database's write-ahead log and file grew by.
 *   npx tsx bench/control/usage-insert.ts [--rows=200000] [--batch=200] [--slices=4]
 */
const { values } = parseArgs({
  options: { rows: { type: "string", default: "200000" }, batch: { type: "string", default: "200" }, slices: { type: "string", default: "4" } },
  strict: true,
});
const rows = Number(values.rows);
const batch = Number(values.batch);
const slices = Number(values.slices);

function row(id: string, requestId: string, now: number): UsageRow {
  return {
    id,
    request_id: requestId,
    created_at: now,
    day: "2026-12-03",
    key_id: "master",
    project_id: "default",
    api: "openai",
    model: "bench",
    provider: "mock",
    provider_type: "openai",
    upstream_model: "bench",
    input_tokens: 12,
    output_tokens: 24,
    cached_input_tokens: 0,
    estimated: 0,
    cost_usd: 0.0000123,
    latency_ms: 3,
    ttft_ms: null,
    status: "success",
    http_status: 200,
    error_code: null,
    stream: 0,
    router_decision: null,
    deployment_variant: null,
  } as UsageRow;
}

const variants = {
  random: (now: number) => row(createId("usg_", 20), createId("req_"), now),
  ordered: (now: number) => row(createTimeOrderedId("usg_", 20, now), createTimeOrderedId("req_", 24, now), now),
};

const dir = mkdtempSync(join(tmpdir(), "swy-usage-insert-"));
try {
  const opened = await Promise.all(
    Object.keys(variants).map(async (name) => {
      const storage = await openDatabase({ dataDir: join(dir, name) });
      return { name: name as keyof typeof variants, storage, insert: sqliteBatchInsert<UsageRow>(storage.db, storage.sqlite!, "usage_records", USAGE_COLUMNS) };
    }),
  );
  const cpu: Record<string, number[]> = {};
  let now = Date.now();
  const perSlice = Math.floor(rows / slices / batch) * batch;
  for (let slice = 0; slice < slices; slice++) {
    for (let done = 0; done < perSlice; done += batch) {
      now += 50;
      // The same moment for both, alternating which goes first.
      const order = done % (2 * batch) === 0 ? opened : [...opened].reverse();
      for (const { name, insert } of order) {
        const made = Array.from({ length: batch }, (_, index) => variants[name](now + Math.floor((index * 50) / batch)));
        const before = process.cpuUsage();
        await insert(made);
        const used = process.cpuUsage(before);
        (cpu[name] ??= []).push(used.user + used.system);
      }
    }
    const line = opened.map(({ name }) => {
      const spent = cpu[name]!.splice(0).reduce((sum, value) => sum + value, 0);
      return `${name} ${(spent / perSlice).toFixed(1)} us/row`;
    });
    process.stdout.write(`rows ${(slice * perSlice).toLocaleString("en")}-${((slice + 1) * perSlice).toLocaleString("en")}: ${line.join(", ")}\n`);
  }
  for (const { name, storage } of opened) {
    const file = join(dir, name, "switchyard.db");
    const size = (path: string) => {
      try {
        return statSync(path).size;
      } catch {
        return 0;
      }
    };
    process.stdout.write(`${name}: database ${(size(file) / 1e6).toFixed(1)} MB, write-ahead log ${(size(`${file}-wal`) / 1e6).toFixed(1)} MB\n`);
    await storage.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
