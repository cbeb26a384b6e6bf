import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { closeLoad, fixedRate, holdOpenStreams, throughput, timeToFirstByte, type Target } from "./lib/load.js";
import { freePort, startService, type Service } from "./lib/processes.js";
import { BENCH_KEY, createVirtualKey, startStack } from "./lib/targets.js";

/**
 * `npx tsx bench/hot-path.ts`: the quick loop for work on the request path. Switchyard (from dist/)
 * and the bare proxy only, JSON and stream throughput interleaved for a few rounds, printing CPU ms per
 * request of each (also per thread, user and system) and RSS idle, after load and with open streams.
 * No report file.
 *   --rounds=N  --duration=S  --connections=N  --streams=N (held open; 0 to skip)  --phases=json,stream
 *   --node-flags="--max-semi-space-size=4 ..."  extra node flags for Switchyard
 *   --baseline=DIR  also run the Switchyard built in another checkout (DIR/bin/switchyard.js, e.g. an
 *                   older commit from `git archive`), interleaved, for before/after in one run
 *   --rate=N    open-loop load at N req/s instead of closed-loop throughput: every target then serves
 *               the same rate, so CPU per request compares like with like (how much work each event-loop
 *               turn batches depends on the load, and closed-loop load differs per target)
 *   --ttfb=N    also N sequential streamed requests per target (time to first byte, p50 and p99) and N
 *               sequential JSON requests (latency at low load)
 *   --auth=both|master|virtual  which keys Switchyard requests carry: the master key ("master": auth,
 *               routing, request log, metrics), a project's virtual key with limits, budgets and
 *               metering ("switchyard"), or both, as separate targets on the same process
 *   --profile   Switchyard under --cpu-prof; profiles in bench/out/profiles (summarise with
 *               bench/profile-summary.ts --skip=<seconds of start-up>)
 */
const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    duration: { type: "string", default: "4" },
    connections: { type: "string", default: "50" },
    streams: { type: "string", default: "1000" },
    profile: { type: "boolean", default: false },
    phases: { type: "string", default: "json,stream" },
    "node-flags": { type: "string", default: "" },
    baseline: { type: "string" },
    rate: { type: "string" },
    ttfb: { type: "string", default: "0" },
    auth: { type: "string", default: "both" },
  },
  strict: true,
});

const bodies = {
  json: JSON.stringify({ model: "bench", messages: [{ role: "user", content: "Say hello in one short sentence." }], max_tokens: 32 }),
  stream: JSON.stringify({ model: "bench", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "Say hello in one short sentence." }], max_tokens: 32 }),
};
const holdBody = JSON.stringify({ model: "hold", stream: true, messages: [{ role: "user", content: "hold" }] });
const log = (message: string) => process.stderr.write(`${message}\n`);
const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;

/** CPU ticks (user, system) of each thread of a process, by thread name. */
function threadTicks(pid: number): Map<string, [number, number]> {
  const ticks = new Map<string, [number, number]>();
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${task}/comm`, "utf8").trim();
      const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const [user, system] = ticks.get(name) ?? [0, 0];
      ticks.set(name, [user + Number(fields[11]), system + Number(fields[12])]);
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return ticks;
}

function threadReport(before: Map<string, [number, number]>, after: Map<string, [number, number]>, requests: number): string {
  return [...after]
    .map(([name, [user, system]]) => [name, (user - (before.get(name)?.[0] ?? 0)) * 10, (system - (before.get(name)?.[1] ?? 0)) * 10] as const)
    .filter(([, user, system]) => user + system > 0)
    .map(([name, user, system]) => `${name} user ${(user / requests).toFixed(3)} sys ${(system / requests).toFixed(3)}`)
    .join("; ");
}

/** Another Switchyard build on the same mock, with its own port, data directory and virtual key. */
async function startBaseline(dir: string, upstream: string): Promise<{ service: Service; target: Target }> {
  const port = await freePort();
  const config = JSON.parse(readFileSync("bench/out/switchyard.bench.json", "utf8")) as { server: Record<string, unknown>; providers: { mock: { base_url: string } } };
  config.server.port = port;
  config.server.data_dir = join("bench/out", "baseline-data");
  config.providers.mock.base_url = `${upstream}/v1`;
  const configPath = "bench/out/baseline.bench.json";
  writeFileSync(configPath, JSON.stringify(config));
  const service = await startService({
    name: "baseline",
    port,
    command: process.execPath,
    args: [join(dir, "bin/switchyard.js"), "serve", "--config", configPath],
    env: { SWITCHYARD_MASTER_KEY: BENCH_KEY, NODE_ENV: "production" },
    probePath: "/health",
  });
  const key = await createVirtualKey(service.url);
  return {
    service,
    target: { name: "baseline", url: `${service.url}/v1/chat/completions`, headers: { "content-type": "application/json", authorization: `Bearer ${key ?? BENCH_KEY}` } },
  };
}

const flags = [...(values.profile ? ["--cpu-prof", "--cpu-prof-dir=bench/out/profiles"] : []), ...values["node-flags"].split(" ").filter(Boolean)];
const stack = await startStack({ outDir: "bench/out", mockLatencyMs: 0, switchyardNodeFlags: flags, withPortkey: false });
const extra: Service[] = [];
try {
  const services: Record<string, Service> = { bare: stack.services.find((service) => service.name === "bare")!, switchyard: stack.switchyard };
  const targets: Record<string, Target> = { bare: stack.targets.bare, switchyard: stack.targets.switchyard };
  if (values.auth === "master" || values.auth === "both") {
    // The same process answering master-key requests: auth, routing, request log and metrics only.
    services.master = stack.switchyard;
    targets.master = { ...stack.targets.switchyard, name: "Switchyard (master key)", headers: { ...stack.targets.switchyard.headers, authorization: `Bearer ${BENCH_KEY}` } };
    if (values.auth === "master") {
      delete services.switchyard;
      delete targets.switchyard;
    }
  }
  if (values.baseline) {
    const baseline = await startBaseline(values.baseline, stack.mock.url);
    extra.push(baseline.service);
    if (values.auth !== "master") {
      services.baseline = baseline.service;
      targets.baseline = baseline.target;
    }
    if (values.auth !== "virtual") {
      services["baseline-master"] = baseline.service;
      targets["baseline-master"] = { ...baseline.target, name: "baseline (master key)", headers: { ...baseline.target.headers, authorization: `Bearer ${BENCH_KEY}` } };
    }
  }
  const names = Object.keys(services);
  log(`RSS idle: ${names.map((name) => `${name} ${services[name]!.rssMb().toFixed(1)} MB`).join(", ")}`);
  // Warm-up at the measured load, twice per body: the first connections' close runs paths never run
  // before and V8 re-optimises what they change (measured with bench/perf-profile.ts: 14% of the
  // process's CPU went to the optimising compiler in a window that began with it, 2% after it).
  for (const name of names) {
    for (let pass = 0; pass < 2; pass++) {
      await throughput(targets[name]!, bodies.json, { connections: Number(values.connections), durationS: 1 });
      await throughput(targets[name]!, bodies.stream, { connections: Number(values.connections), durationS: 1 });
    }
  }
  for (const phase of values.phases.split(",") as Array<keyof typeof bodies>) {
    const cpu: Record<string, number[]> = {};
    const rate: Record<string, number[]> = {};
    const threadsBefore = Object.fromEntries(names.map((name) => [name, threadTicks(services[name]!.child.pid!)]));
    const answered: Record<string, number> = {};
    for (let round = 0; round < Number(values.rounds); round++) {
      // Rotate the order each round so no target always runs first.
      for (const name of names.map((_, index) => names[(index + round) % names.length]!)) {
        const before = services[name]!.cpuSeconds();
        const durationS = Number(values.duration);
        const result = values.rate
          ? await fixedRate(targets[name]!, bodies[phase], { rate: Number(values.rate), durationS }).then((sample) => ({
              requests: sample.count,
              requestsPerSecond: sample.achievedRate,
              errors: sample.errors + sample.dropped,
              non2xx: 0,
            }))
          : await throughput(targets[name]!, bodies[phase], { connections: Number(values.connections), durationS });
        (cpu[name] ??= []).push(((services[name]!.cpuSeconds() - before) * 1000) / Math.max(1, result.requests));
        (rate[name] ??= []).push(result.requestsPerSecond);
        answered[name] = (answered[name] ?? 0) + result.requests;
        if (result.errors + result.non2xx > 0) log(`  ${name} ${phase}: ${result.errors + result.non2xx} errors`);
      }
    }
    const bareCpu = median(cpu.bare!);
    const bareRate = median(rate.bare!);
    for (const name of names) {
      log(
        `${phase} ${name}: ${median(cpu[name]!).toFixed(3)} ms/req, ${median(rate[name]!).toFixed(0)} req/s` +
          (name === "bare" ? "" : ` (req/s ratio to bare ${(median(rate[name]!) / bareRate).toFixed(2)}, CPU bare/this ${(bareCpu / median(cpu[name]!)).toFixed(2)})`),
      );
      // Each round's figures, in the order run: how far one round strays from the median.
      log(`  rounds: ${cpu[name]!.map((value, round) => `${value.toFixed(3)} ms ${rate[name]![round]!.toFixed(0)}/s`).join(", ")}`);
      if (name !== "bare") {
        // Ratios within each round: the machine's speed drifts over seconds (both targets' CPU per request
        // moves together), so a round's target and bare figures, taken seconds apart, are the fairer pair.
        const rateRatios = rate[name]!.map((value, round) => value / rate.bare![round]!);
        const cpuRatios = cpu[name]!.map((value, round) => value / cpu.bare![round]!);
        const spread = (list: number[]) => `median ${median(list).toFixed(2)} (${Math.min(...list).toFixed(2)}-${Math.max(...list).toFixed(2)})`;
        log(`  per round: req/s ratio to bare ${spread(rateRatios)}, CPU per request vs bare ${spread(cpuRatios)}x`);
      }
      // Per-thread figures only mean something for a process that served this target alone.
      if (names.filter((other) => services[other] === services[name]).length === 1) log(`  threads, ms/req: ${threadReport(threadsBefore[name]!, threadTicks(services[name]!.child.pid!), answered[name]!)}`);
    }
  }
  for (let round = 0; round < (Number(values.ttfb) > 0 ? 2 : 0); round++) {
    for (const name of round % 2 ? [...names].reverse() : names) {
      const sample = await timeToFirstByte(targets[name]!, bodies.stream, Number(values.ttfb));
      log(`stream TTFB ${name} (round ${round + 1}): p50 ${sample.p50Ms.toFixed(3)} ms, p99 ${sample.p99Ms.toFixed(3)} ms`);
      // One request at a time, so no queueing: a small JSON body's first byte is its whole answer.
      const json = await timeToFirstByte(targets[name]!, bodies.json, Number(values.ttfb));
      log(`sequential JSON ${name} (round ${round + 1}): p50 ${json.p50Ms.toFixed(3)} ms, p99 ${json.p99Ms.toFixed(3)} ms`);
    }
  }
  log(`RSS after load: ${names.map((name) => `${name} ${services[name]!.rssMb().toFixed(1)} MB`).join(", ")}`);
  const streams = Number(values.streams);
  if (streams > 0) {
    for (const name of names.filter((item) => item !== "bare" && !item.endsWith("master"))) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const { opened, value } = await holdOpenStreams(targets[name]!, holdBody, streams, () => services[name]!.rssMb());
      log(`${name} with ${opened} open streams: RSS ${value.toFixed(1)} MB`);
    }
  }
} finally {
  await closeLoad();
  await Promise.all(extra.map((service) => service.stop()));
  await stack.stop();
}
