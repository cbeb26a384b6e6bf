import { parseArgs } from "node:util";
import { request } from "undici";
import { closeLoad, holdOpenStreams, throughput } from "./lib/load.js";
import { BENCH_KEY, startStack } from "./lib/targets.js";

/**
 * `npx tsx bench/stream-memory.ts [--streams=1000]`: where the memory of open streams goes.
 * Starts the stack (mock, bare proxy, Switchyard from dist/), warms Switchyard up, then reads its
 * memory from /metrics (prom-client's process and V8 heap-space gauges) idle and with N streams
 * held open by the mock (master key), and the bare proxy's RSS the same way. Prints the totals and
 * the growth per open stream.
 */
const { values } = parseArgs({ options: { streams: { type: "string", default: "1000" } }, strict: true });
const count = Number(values.streams);
const holdBody = JSON.stringify({ model: "hold", stream: true, messages: [{ role: "user", content: "hold" }] });
const warmBody = JSON.stringify({ model: "bench", stream: true, messages: [{ role: "user", content: "warm" }] });
const log = (message: string) => process.stderr.write(`${message}\n`);

type Memory = Record<string, number>;

/** The memory gauges of Switchyard's /metrics, in MB. */
async function switchyardMemory(url: string): Promise<Memory> {
  const text = await (await request(`${url}/metrics`, { headers: { authorization: `Bearer ${BENCH_KEY}` } })).body.text();
  const out: Memory = {};
  for (const line of text.split("\n")) {
    const match = /^switchyard_(process_resident_memory_bytes|nodejs_heap_size_used_bytes|nodejs_heap_size_total_bytes|nodejs_external_memory_bytes|nodejs_heap_space_size_used_bytes\{space="(\w+)"\}|nodejs_heap_space_size_total_bytes\{space="(\w+)"\}) ([\d.e+]+)$/.exec(line);
    if (!match) continue;
    const name = match[2] ? `used ${match[2]}` : match[3] ? `committed ${match[3]}` : match[1]!.replace(/^(process|nodejs)_/, "").replace(/_bytes$/, "");
    out[name] = Number(match[4]) / 1024 / 1024;
  }
  return out;
}

const stack = await startStack({ outDir: "bench/out", mockLatencyMs: 0, switchyardNodeFlags: [], withPortkey: false });
try {
  const master = { ...stack.targets.switchyard, headers: { ...stack.targets.switchyard.headers, authorization: `Bearer ${BENCH_KEY}` } };
  await throughput(master, warmBody, { connections: 20, durationS: 2 });
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const idle = await switchyardMemory(stack.switchyard.url);
  const held = await holdOpenStreams(master, holdBody, count, () => switchyardMemory(stack.switchyard.url));
  const bare = stack.services.find((service) => service.name === "bare")!;
  const bareIdle = bare.rssMb();
  const bareHeld = await holdOpenStreams(stack.targets.bare, holdBody, count, () => bare.rssMb());
  log(`Switchyard, ${held.opened} open streams (MB: idle -> open, KB per stream):`);
  for (const name of Object.keys(idle).sort()) {
    const before = idle[name]!;
    const after = held.value[name] ?? before;
    log(`  ${name.padEnd(28)} ${before.toFixed(1).padStart(7)} -> ${after.toFixed(1).padStart(7)}  ${(((after - before) * 1024) / Math.max(1, held.opened)).toFixed(1).padStart(6)}`);
  }
  log(`bare proxy RSS: ${bareIdle.toFixed(1)} -> ${bareHeld.value.toFixed(1)} MB with ${bareHeld.opened} open streams (${(((bareHeld.value - bareIdle) * 1024) / Math.max(1, bareHeld.opened)).toFixed(1)} KB per stream)`);
} finally {
  await closeLoad();
  await stack.stop();
}
