import type { LatencySample } from "./load.js";

export interface BenchResults {
  settings: Record<string, number>;
  machine: { nproc: number; cpu: string; memoryGb: number; node: string; date: string };
  command: string;
  switchyardAuth: string;
  targets: string[];
  throughput: Record<string, Record<string, { requestsPerSecond: number; p50Ms: number; p99Ms: number; errors: number; cpuMsPerRequest: number }>>;
  rate: Record<string, Record<string, LatencySample>>;
  ttfb: Record<string, LatencySample>;
  /** JSON requests one at a time: added latency at low load. */
  sequential: Record<string, LatencySample>;
  openStreams: Record<string, { opened: number; rssBeforeMb: number; rssOpenMb: number; rssAfterMb: number }>;
  soak: { samples: Array<{ seconds: number; rssMb: number }>; json?: LatencySample; stream?: LatencySample };
  rssAfterLoad: Record<string, number>;
}

const LABELS: Record<string, string> = { direct: "direct (mock, no proxy)", bare: "bare Node proxy (undici)", portkey: "Portkey gateway", switchyard: "Switchyard" };
const fixed = (value: number | undefined, digits = 0) => (value === undefined || Number.isNaN(value) ? "–" : value.toFixed(digits));
const pass = (ok: boolean | undefined) => (ok === undefined ? "n/a" : ok ? "met" : "**missed**");

export function soakGrowthMb(samples: Array<{ seconds: number; rssMb: number }>): number | undefined {
  // The first sample is taken while the heap is still growing to its working size; judge from the second.
  if (samples.length < 3) return undefined;
  const settled = samples[1]!.rssMb;
  return samples[samples.length - 1]!.rssMb - settled;
}

export function renderResults(results: BenchResults): string {
  const lines: string[] = [];
  const push = (...items: string[]) => lines.push(...items);
  const json = results.throughput.json ?? {};
  const stream = results.throughput.stream ?? {};
  const rateJson = results.rate.json ?? {};
  const rateStream = results.rate.stream ?? {};
  const ttfb = results.ttfb;

  const addedP99 = rateJson.switchyard && rateJson.direct ? rateJson.switchyard.p99Ms - rateJson.direct.p99Ms : undefined;
  const seq = results.sequential ?? {};
  const addedLowLoad = seq.switchyard && seq.direct ? seq.switchyard.p50Ms - seq.direct.p50Ms : undefined;
  const addedLowLoadP99 = seq.switchyard && seq.direct ? seq.switchyard.p99Ms - seq.direct.p99Ms : undefined;
  const addedTtfb = ttfb.switchyard && ttfb.direct ? ttfb.switchyard.p50Ms - ttfb.direct.p50Ms : undefined;
  const vsPortkey = json.switchyard && json.portkey ? json.switchyard.requestsPerSecond / json.portkey.requestsPerSecond : undefined;
  const vsBare = json.switchyard && json.bare ? json.switchyard.requestsPerSecond / json.bare.requestsPerSecond : undefined;
  const vsBareStream = stream.switchyard && stream.bare ? stream.switchyard.requestsPerSecond / stream.bare.requestsPerSecond : undefined;
  const cpuVsBare = json.switchyard && json.bare ? json.bare.cpuMsPerRequest / json.switchyard.cpuMsPerRequest : undefined;
  const cpuVsPortkey = json.switchyard && json.portkey ? json.portkey.cpuMsPerRequest / json.switchyard.cpuMsPerRequest : undefined;
  const openRss = results.openStreams.switchyard?.rssOpenMb;
  const growth = soakGrowthMb(results.soak.samples);

  push(
    "# Benchmark results",
    "",
    `Written by \`${results.command}\` on ${results.machine.date}.`,
    "",
    `Machine: ${results.machine.nproc} CPU cores (${results.machine.cpu}), ${results.machine.memoryGb} GB RAM, Node ${results.machine.node}. ` +
      "The load generator, the mock upstream and every proxy share these cores, so absolute numbers are low and noisy; " +
      "the goals are ratios measured in the same run, with targets interleaved round by round.",
    "",
    `Settings: ${results.settings.rounds} interleaved rounds of ${results.settings.durationS} s per target at ${results.settings.connections} connections (autocannon); ` +
      `${results.settings.rate} req/s open-loop for ${results.settings.rateDurationS} s per target and round (undici, high-resolution timer); ` +
      `${results.settings.ttfbCount} sequential JSON requests (added latency at low load) and as many sequential streams (TTFB); ${results.settings.openStreams} held-open streams; soak ${results.settings.soakS} s at ${results.settings.soakRate} req/s (unless set with --soak-rate, half of what Switchyard sustained in this run). ` +
      `Switchyard runs from dist/ (\`node bin/switchyard.js serve\`) with its default middleware: requests authenticate with ${results.switchyardAuth}; info-level request logging (to /dev/null), /metrics and the observability middleware are on.`,
    "",
    "## Goals",
    "",
    "| goal | measured | result |",
    "|---|---|---|",
    `| Switchyard >= 10x Portkey req/s (JSON) | ${fixed(vsPortkey, 1)}x (CPU per request: Portkey uses ${fixed(cpuVsPortkey, 1)}x Switchyard's) | ${pass(vsPortkey === undefined ? undefined : vsPortkey >= 10)} |`,
    `| Switchyard >= 0.8x bare proxy req/s (JSON) | ${fixed(vsBare, 2)}x (stream: ${fixed(vsBareStream, 2)}x; CPU per request: bare/Switchyard = ${fixed(cpuVsBare, 2)}) | ${pass(vsBare === undefined ? undefined : vsBare >= 0.8)} |`,
    `| p99 added latency over direct at ${results.settings.rate} req/s <= 1 ms | ${fixed(addedP99, 3)} ms | ${pass(addedP99 === undefined ? undefined : addedP99 <= 1)} |`,
    `| (low load) added latency, JSON one request at a time | p50 ${fixed(addedLowLoad, 3)} ms, p99 ${fixed(addedLowLoadP99, 3)} ms | ${pass(addedLowLoadP99 === undefined ? undefined : addedLowLoadP99 <= 1)} |`,
    `| stream TTFB added over direct <= 1 ms (p50) | ${fixed(addedTtfb, 3)} ms | ${pass(addedTtfb === undefined ? undefined : addedTtfb <= 1)} |`,
    `| RSS <= 150 MB with ${results.settings.openStreams} open streams | ${fixed(openRss, 1)} MB (${results.openStreams.switchyard?.opened ?? 0} open) | ${pass(openRss === undefined ? undefined : openRss <= 150 && results.openStreams.switchyard!.opened === results.settings.openStreams)} |`,
    `| RSS flat over the soak (growth <= 10 MB after warm-up) | ${fixed(growth, 1)} MB over ${results.settings.soakS} s | ${pass(growth === undefined ? undefined : growth <= 10)} |`,
    "",
    "## Throughput (closed loop, 50 connections; medians of the rounds)",
    "",
    "| target | JSON req/s | JSON p50 ms | JSON p99 ms | JSON CPU ms/req | stream req/s | stream p50 ms | stream p99 ms | stream CPU ms/req | errors |",
    "|---|---|---|---|---|---|---|---|---|---|",
  );
  for (const name of Object.keys(LABELS)) {
    const a = json[name];
    const b = stream[name];
    if (!a && !b) continue;
    push(
      `| ${LABELS[name]} | ${fixed(a?.requestsPerSecond)} | ${fixed(a?.p50Ms)} | ${fixed(a?.p99Ms)} | ${fixed(a?.cpuMsPerRequest, 3)} | ${fixed(b?.requestsPerSecond)} | ${fixed(b?.p50Ms)} | ${fixed(b?.p99Ms)} | ${fixed(b?.cpuMsPerRequest, 3)} | ${(a?.errors ?? 0) + (b?.errors ?? 0)} |`,
    );
  }
  push(
    "",
    `## Latency at ${results.settings.rate} req/s (open loop) and stream time to first byte`,
    "",
    "| target | JSON achieved req/s | JSON p50 ms | JSON p99 ms | added p99 ms | stream achieved req/s | stream p50 ms | stream p99 ms | sequential JSON p50 ms | sequential JSON p99 ms | TTFB p50 ms | TTFB p99 ms | TTFB added p50 ms |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  );
  for (const name of Object.keys(LABELS)) {
    const a = rateJson[name];
    const b = rateStream[name];
    const t = ttfb[name];
    if (!a && !t) continue;
    const added = a && rateJson.direct ? a.p99Ms - rateJson.direct.p99Ms : undefined;
    const ttfbAdded = t && ttfb.direct ? t.p50Ms - ttfb.direct.p50Ms : undefined;
    push(
      `| ${LABELS[name]} | ${fixed(a?.achievedRate)} | ${fixed(a?.p50Ms, 3)} | ${fixed(a?.p99Ms, 3)} | ${fixed(added, 3)} | ${fixed(b?.achievedRate)} | ${fixed(b?.p50Ms, 3)} | ${fixed(b?.p99Ms, 3)} | ${fixed(seq[name]?.p50Ms, 3)} | ${fixed(seq[name]?.p99Ms, 3)} | ${fixed(t?.p50Ms, 3)} | ${fixed(t?.p99Ms, 3)} | ${fixed(ttfbAdded, 3)} |`,
    );
  }
  push(
    "",
    "CPU ms/req is the server process's own CPU time (user + system, from /proc) over the requests it answered in that run: " +
      "the cost of one request, which competition for the cores changes far less than req/s. For the direct row it is the mock's cost.",
  );
  push(
    "",
    `The fixed-rate load is open loop with at most 256 requests in flight: when a target cannot keep up, requests beyond that are not sent, and "achieved req/s" falls below ${results.settings.rate}. ` +
      "Latency measured while a target is saturated is queueing, not overhead. Portkey is left out of these rows: it cannot sustain the rate here.",
    "",
  );
  push("## Memory", "", "| target | RSS after load MB | RSS before open streams MB | RSS with open streams MB | streams open |", "|---|---|---|---|---|");
  for (const name of Object.keys(LABELS)) {
    const open = results.openStreams[name];
    const after = results.rssAfterLoad[name === "direct" ? "mock" : name];
    push(`| ${LABELS[name]} | ${fixed(after, 1)} | ${fixed(open?.rssBeforeMb, 1)} | ${fixed(open?.rssOpenMb, 1)} | ${open?.opened ?? "–"} |`);
  }
  push(
    "",
    `Soak (Switchyard, ${results.settings.soakRate} req/s, half streamed, ${results.settings.soakS} s): RSS every 5 s: ${results.soak.samples.map((sample) => fixed(sample.rssMb, 1)).join(", ")} MB. ` +
      `JSON p99 ${fixed(results.soak.json?.p99Ms, 3)} ms (${results.soak.json?.errors ?? 0} errors), stream p99 ${fixed(results.soak.stream?.p99Ms, 3)} ms (${results.soak.stream?.errors ?? 0} errors).`,
    "",
  );
  return lines.join("\n");
}
