import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { closeLoad, fixedRate, holdOpenStreams, throughput, timeToFirstByte, type LatencySample, type Target, type ThroughputResult } from "./lib/load.js";
import { renderResults, type BenchResults } from "./lib/report.js";
import { startStack } from "./lib/targets.js";

/**
 * `npm run bench`: the mock upstream, a bare Node proxy, Portkey and Switchyard side by side, in one
 * run, interleaved. Talks only to 127.0.0.1 and stops by itself. Writes bench/RESULTS.md.
 *   --quick          short rounds (development)
 *   --soak=SECONDS   soak length (default 60; 300 for the 5-minute soak)
 *   --rounds=N       interleaved rounds per throughput phase (default 3)
 *   --duration=S     seconds per throughput run (default 5)
 *   --no-build       use the existing dist/
 *   --no-portkey     skip the peer gateway
 *   --profile        run Switchyard with --cpu-prof (profiles in bench/out/profiles)
 *   --output=PATH    where the Markdown goes (default bench/RESULTS.md)
 */
const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    soak: { type: "string" },
    rounds: { type: "string" },
    duration: { type: "string" },
    "no-build": { type: "boolean", default: false },
    "no-portkey": { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
    output: { type: "string", default: "bench/RESULTS.md" },
    "mock-latency": { type: "string", default: "0" },
    "soak-rate": { type: "string" },
    rate: { type: "string", default: "1000" },
  },
  strict: true,
});

const quick = values.quick;
const settings = {
  rounds: Number(values.rounds ?? (quick ? 1 : 3)),
  durationS: Number(values.duration ?? (quick ? 2 : 5)),
  connections: 50,
  rate: Number(values.rate),
  rateDurationS: quick ? 3 : 8,
  ttfbCount: quick ? 100 : 400,
  openStreams: 1000,
  soakS: Number(values.soak ?? (quick ? 10 : 60)),
  /** Requests per second in the soak; by default half of what Switchyard sustained in this run. */
  soakRate: Number(values["soak-rate"] ?? 0),
  mockLatencyMs: Number(values["mock-latency"]),
};
const outDir = "bench/out";
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

const nonStreamBody = JSON.stringify({ model: "bench", messages: [{ role: "user", content: "Say hello in one short sentence." }], max_tokens: 32 });
const streamBody = JSON.stringify({
  model: "bench",
  stream: true,
  stream_options: { include_usage: true },
  messages: [{ role: "user", content: "Say hello in one short sentence." }],
  max_tokens: 32,
});
const holdBody = JSON.stringify({ model: "hold", stream: true, messages: [{ role: "user", content: "hold" }] });

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  if (!values["no-build"] || !existsSync("dist/cli/main.js")) {
    log("building (npm run build)...");
    try {
      execFileSync("npm", ["run", "build", "--silent"], { stdio: "ignore" });
    } catch {
      // tsc still emits JavaScript when some file has a type error; only a missing entry point is fatal.
      if (!existsSync("dist/cli/main.js")) throw new Error("npm run build produced no dist/cli/main.js");
      log("build reported type errors; using the emitted JavaScript");
    }
  }
  const switchyardNodeFlags = values.profile ? ["--cpu-prof", `--cpu-prof-dir=${outDir}/profiles`] : [];
  const stack = await startStack({ outDir, mockLatencyMs: settings.mockLatencyMs, switchyardNodeFlags, withPortkey: !values["no-portkey"] });
  // Ctrl-C or a timeout still stops every server this run started.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping`);
      void stack.stop().finally(() => process.exit(130));
    });
  }
  const names = (values["no-portkey"] ? ["direct", "bare", "switchyard"] : ["direct", "bare", "portkey", "switchyard"]) as Array<keyof typeof stack.targets>;
  const serviceOf = (name: string) => stack.services.find((service) => service.name === (name === "direct" ? "mock" : name))!;
  /** Waits (up to 30 s) until every server has used under 5% of a core for a second. */
  const quiet = async () => {
    for (let second = 0; second < 30; second++) {
      const before = stack.services.reduce((sum, service) => sum + service.cpuSeconds(), 0);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const after = stack.services.reduce((sum, service) => sum + service.cpuSeconds(), 0);
      if (after - before < 0.05) return;
    }
  };
  const rssByService = () => Object.fromEntries(stack.services.map((service) => [service.name, service.rssMb()]));
  const results: BenchResults = {
    settings,
    machine: {
      nproc: cpus().length,
      cpu: cpus()[0]?.model ?? "unknown",
      memoryGb: Math.round(totalmem() / 1024 ** 3),
      node: process.version,
      date: new Date().toISOString(),
    },
    switchyardAuth: stack.switchyardAuth,
    command: `npm run bench${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`,
    targets: names.map((name) => stack.targets[name].name),
    throughput: {},
    rate: {},
    ttfb: {},
    sequential: {},
    openStreams: {},
    soak: { samples: [] },
    rssAfterLoad: {},
  };
  try {
    log("warm-up");
    for (const name of names) {
      await throughput(stack.targets[name], nonStreamBody, { connections: 10, durationS: 1 });
      await throughput(stack.targets[name], streamBody, { connections: 10, durationS: 1 });
    }

    for (const [phase, body] of [["json", nonStreamBody], ["stream", streamBody]] as const) {
      const runs: Record<string, Array<ThroughputResult & { cpuMsPerRequest: number }>> = {};
      for (let round = 0; round < settings.rounds; round++) {
        // Rotate the order each round so no target always runs first or last.
        const order = names.map((_, index) => names[(index + round) % names.length]!);
        for (const name of order) {
          const cpuBefore = serviceOf(name).cpuSeconds();
          const result = await throughput(stack.targets[name], body, { connections: settings.connections, durationS: settings.durationS });
          const cpuMs = ((serviceOf(name).cpuSeconds() - cpuBefore) * 1000) / Math.max(1, result.requests);
          (runs[name] ??= []).push({ ...result, cpuMsPerRequest: cpuMs });
          log(`${phase} round ${round + 1} ${name}: ${result.requestsPerSecond.toFixed(0)} req/s p50 ${result.p50Ms} ms p99 ${result.p99Ms} ms errors ${result.errors + result.non2xx} cpu ${cpuMs.toFixed(3)} ms/req`);
        }
      }
      results.throughput[phase] = Object.fromEntries(
        Object.entries(runs).map(([name, list]) => [
          name,
          {
            requestsPerSecond: median(list.map((item) => item.requestsPerSecond)),
            p50Ms: median(list.map((item) => item.p50Ms)),
            p99Ms: median(list.map((item) => item.p99Ms)),
            errors: list.reduce((sum, item) => sum + item.errors + item.non2xx, 0),
            cpuMsPerRequest: median(list.map((item) => item.cpuMsPerRequest)),
          },
        ]),
      );
    }

    const rateNames = names.filter((name) => name !== "portkey");
    for (const [phase, body] of [["json", nonStreamBody], ["stream", streamBody]] as const) {
      const samples: Record<string, LatencySample[]> = {};
      for (let round = 0; round < settings.rounds; round++) {
        for (const name of rateNames.map((_, index) => rateNames[(index + round) % rateNames.length]!)) {
          const sample = await fixedRate(stack.targets[name], body, { rate: settings.rate, durationS: settings.rateDurationS });
          (samples[name] ??= []).push(sample);
          log(`${phase} @${settings.rate}/s ${name}: p50 ${sample.p50Ms.toFixed(3)} ms p99 ${sample.p99Ms.toFixed(3)} ms (${sample.achievedRate.toFixed(0)}/s, ${sample.errors} errors, ${sample.dropped} not sent)`);
        }
      }
      results.rate[phase] = Object.fromEntries(Object.entries(samples).map(([name, list]) => [name, medianSample(list)]));
    }

    for (const round of [0, 1]) {
      for (const name of names.map((_, index) => names[(index + round) % names.length]!)) {
        const json = await timeToFirstByte(stack.targets[name], nonStreamBody, Math.ceil(settings.ttfbCount / 2));
        const previousJson = results.sequential[name];
        results.sequential[name] = previousJson ? medianSample([previousJson, json]) : json;
        log(`sequential JSON ${name}: p50 ${json.p50Ms.toFixed(3)} ms p99 ${json.p99Ms.toFixed(3)} ms`);
        const sample = await timeToFirstByte(stack.targets[name], streamBody, Math.ceil(settings.ttfbCount / 2));
        const previous = results.ttfb[name];
        results.ttfb[name] = previous ? medianSample([previous, sample]) : sample;
        log(`stream TTFB ${name}: p50 ${sample.p50Ms.toFixed(3)} ms p99 ${sample.p99Ms.toFixed(3)} ms`);
      }
    }

    results.rssAfterLoad = rssByService();

    // Switchyard first and Portkey last: a target that falls behind keeps working through its backlog
    // after the test and would starve the next one; quiet() waits for that to end.
    for (const name of ["switchyard", "bare", "portkey"].filter((item) => names.includes(item as never)) as Array<keyof typeof stack.targets>) {
      await quiet();
      const service = serviceOf(name);
      const before = service.rssMb();
      const { opened, value } = await holdOpenStreams(stack.targets[name], holdBody, settings.openStreams, () => service.rssMb());
      results.openStreams[name] = { opened, rssBeforeMb: before, rssOpenMb: value, rssAfterMb: service.rssMb() };
      log(`${settings.openStreams} open streams ${name}: ${opened} opened, RSS ${before.toFixed(1)} -> ${value.toFixed(1)} MB`);
    }

    await quiet();
    if (!settings.soakRate) {
      const sustained = Math.min(results.throughput.json?.switchyard?.requestsPerSecond ?? 100, results.throughput.stream?.switchyard?.requestsPerSecond ?? 100);
      settings.soakRate = Math.max(10, Math.round(sustained / 2));
    }
    log(`soak: Switchyard at ${settings.soakRate}/s for ${settings.soakS} s (half streamed)`);
    const soakStarted = Date.now();
    const sampler = setInterval(() => {
      results.soak.samples.push({ seconds: Math.round((Date.now() - soakStarted) / 1000), rssMb: stack.switchyard.rssMb() });
    }, 5000);
    const target: Target = stack.targets.switchyard;
    const [json, stream] = await Promise.all([
      fixedRate(target, nonStreamBody, { rate: settings.soakRate / 2, durationS: settings.soakS }),
      fixedRate(target, streamBody, { rate: settings.soakRate / 2, durationS: settings.soakS }),
    ]);
    clearInterval(sampler);
    results.soak.samples.push({ seconds: Math.round((Date.now() - soakStarted) / 1000), rssMb: stack.switchyard.rssMb() });
    results.soak.json = json;
    results.soak.stream = stream;
    log(`soak RSS: ${results.soak.samples.map((sample) => sample.rssMb.toFixed(1)).join(" ")}`);
  } finally {
    await closeLoad();
    await stack.stop();
  }
  writeFileSync(`${outDir}/results.json`, JSON.stringify(results, null, 2));
  writeFileSync(values.output!, renderResults(results));
  log(`wrote ${values.output}`);
}

function medianSample(list: LatencySample[]): LatencySample {
  return {
    count: list.reduce((sum, item) => sum + item.count, 0),
    errors: list.reduce((sum, item) => sum + item.errors, 0),
    dropped: list.reduce((sum, item) => sum + item.dropped, 0),
    p50Ms: median(list.map((item) => item.p50Ms)),
    p90Ms: median(list.map((item) => item.p90Ms)),
    p99Ms: median(list.map((item) => item.p99Ms)),
    achievedRate: median(list.map((item) => item.achievedRate)),
  };
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
