import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { closeLoad, throughput } from "./lib/load.js";
import { BENCH_KEY, startStack } from "./lib/targets.js";

/**
 * `npx tsx bench/perf-profile.ts`: where a process's CPU goes, with Linux `perf` (on-CPU samples of
 * every thread, kernel included), for Switchyard (from dist/) or the minimal proxy under a closed-loop
 * load. V8's own profiler (`--cpu-prof`) samples wall time, so a process preempted inside a syscall
 * (which happens on every loopback write on a busy machine) shows that syscall as hot; `perf` counts
 * only time on a CPU. Writes `perf script` output, then summarise it with bench/perf-summary.py.
 *   --target=switchyard|master|bare   (switchyard: a virtual key with limits; master: the master key)
 *   --phase=json|stream  --warmup=S (default 8)  --duration=S (default 5)  --connections=N (default 50)
 *   --out=FILE (default bench/out/perf.stacks)
 * Needs `perf` and kernel.perf_event_paranoid <= 2 for a process of one's own.
 */
const { values } = parseArgs({
  options: {
    target: { type: "string", default: "master" },
    phase: { type: "string", default: "json" },
    warmup: { type: "string", default: "8" },
    duration: { type: "string", default: "5" },
    connections: { type: "string", default: "50" },
    out: { type: "string", default: "bench/out/perf.stacks" },
  },
  strict: true,
});
const message = [{ role: "user", content: "Say hello in one short sentence." }];
const body = JSON.stringify(
  values.phase === "stream" ? { model: "bench", stream: true, stream_options: { include_usage: true }, messages: message, max_tokens: 32 } : { model: "bench", messages: message, max_tokens: 32 },
);
const stack = await startStack({ outDir: "bench/out", mockLatencyMs: 0, switchyardNodeFlags: ["--perf-basic-prof-only-functions"], withPortkey: false });
try {
  const bare = stack.services.find((service) => service.name === "bare")!;
  const target =
    values.target === "bare"
      ? stack.targets.bare
      : values.target === "master"
        ? { ...stack.targets.switchyard, headers: { ...stack.targets.switchyard.headers, authorization: `Bearer ${BENCH_KEY}` } }
        : stack.targets.switchyard;
  const pid = (values.target === "bare" ? bare : stack.switchyard).child.pid!;
  const connections = Number(values.connections);
  // Warm-up in two halves: the first connections' close runs paths never run before, and V8
  // re-optimises what they change; in one piece that would land in the measured window.
  for (let half = 0; half < 2; half++) await throughput(target, body, { connections, durationS: Number(values.warmup) / 2 });
  const data = `${values.out}.data`;
  const perf = spawn("perf", ["record", "-F", "1999", "-g", "-o", data, "-p", String(pid)], { stdio: ["ignore", "ignore", "inherit"] });
  const before = stack.switchyard.cpuSeconds();
  const result = await throughput(target, body, { connections, durationS: Number(values.duration) });
  perf.kill("SIGINT");
  await new Promise((resolve) => perf.once("exit", resolve));
  const script = spawn("perf", ["script", "-i", data, "-F", "tid,ip,sym"], { stdio: ["ignore", "pipe", "ignore"] });
  const chunks: Buffer[] = [];
  script.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
  await new Promise((resolve) => script.once("exit", resolve));
  writeFileSync(values.out, Buffer.concat(chunks));
  const cpu = values.target === "bare" ? Number.NaN : ((stack.switchyard.cpuSeconds() - before) * 1000) / result.requests;
  process.stderr.write(`${values.target} ${values.phase}: ${result.requests} requests, ${result.requestsPerSecond.toFixed(0)} req/s${Number.isNaN(cpu) ? "" : `, ${cpu.toFixed(3)} ms CPU/request`}; stacks in ${values.out}\n`);
} finally {
  await closeLoad();
  await stack.stop();
}
