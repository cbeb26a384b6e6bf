import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { closeLoad, throughput } from "./lib/load.js";
import { BENCH_KEY, startStack } from "./lib/targets.js";

/**
 * `npx tsx bench/allocation-profile.ts`: how much each request allocates, and where. Every garbage
 * byte costs twice on this path: allocating it, and the young generation's collections (which also
 * decide how large it grows, so RSS). Switchyard (from dist/) and the minimal proxy, under the same
 * closed-loop load, one after the other:
 *   1. young-generation bytes per request, from the number of scavenges (each collects one
 *      semi-space: half the new space's size) over a measured window, and the scavenges' time;
 *   2. with `--by-function`, V8's sampling heap profile over a second window (collected garbage
 *      included; the profiler slows the process, so fewer requests): bytes per request by the
 *      function that allocated them, and inclusively by the gateway's own frames (dist/).
 *   --target=master|switchyard|bare|all (default all: bare and master)  --phase=json|stream
 *   --duration=S (default 4)  --connections=N (default 50)  --by-function  --top=N (default 30)
 */
const { values } = parseArgs({
  options: {
    target: { type: "string", default: "all" },
    phase: { type: "string", default: "json" },
    duration: { type: "string", default: "4" },
    connections: { type: "string", default: "50" },
    "by-function": { type: "boolean", default: false },
    top: { type: "string", default: "30" },
  },
  strict: true,
});
const message = [{ role: "user", content: "Say hello in one short sentence." }];
const body = JSON.stringify(
  values.phase === "stream" ? { model: "bench", stream: true, stream_options: { include_usage: true }, messages: message, max_tokens: 32 } : { model: "bench", messages: message, max_tokens: 32 },
);
const dir = mkdtempSync(join(tmpdir(), "allocation-"));
// Every process of the stack loads the preload (NODE_OPTIONS reaches the minimal proxy too); each writes files named by its pid.
process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --import=${join(import.meta.dirname, "lib/allocation-preload.mjs")}`.trim();
process.env.ALLOCATION_DIR = dir;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => process.stderr.write(`${line}\n`);

interface GcCounts {
  scavenges: number;
  scavengeMs: number;
  majors: number;
  newSpaceBytes: number;
}
interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

async function waitFor(path: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`no ${path} within 30 s`);
    await sleep(50);
  }
}

const stack = await startStack({ outDir: "bench/out", mockLatencyMs: 0, switchyardNodeFlags: [], withPortkey: false });
try {
  const bare = stack.services.find((service) => service.name === "bare")!;
  const master = { ...stack.targets.switchyard, headers: { ...stack.targets.switchyard.headers, authorization: `Bearer ${BENCH_KEY}` } };
  const all = { bare: { target: stack.targets.bare, pid: bare.child.pid! }, master: { target: master, pid: stack.switchyard.child.pid! }, switchyard: { target: stack.targets.switchyard, pid: stack.switchyard.child.pid! } };
  const names = values.target === "all" ? (["bare", "master"] as const) : [values.target as keyof typeof all];
  const durationS = Number(values.duration);
  const connections = Number(values.connections);
  for (const name of names) {
    const { target, pid } = all[name];
    // Warm-up twice at the measured load, across a close of its connections (see bench/hot-path.ts).
    for (let pass = 0; pass < 2; pass++) await throughput(target, body, { connections, durationS: 2 });
    await sleep(300);
    const gcFile = join(dir, `${pid}.gc.json`);
    const before = JSON.parse(readFileSync(gcFile, "utf8")) as GcCounts;
    const result = await throughput(target, body, { connections, durationS });
    await sleep(300);
    const after = JSON.parse(readFileSync(gcFile, "utf8")) as GcCounts;
    const scavenges = after.scavenges - before.scavenges;
    const young = (scavenges * after.newSpaceBytes) / 2 / result.requests;
    log(
      `${values.phase} ${name}: ${result.requests} requests, ${scavenges} scavenges (new space ${(after.newSpaceBytes / 1048576).toFixed(0)} MB), ` +
        `~${(young / 1024).toFixed(1)} KB young-generation allocation per request, scavenges ${(((after.scavengeMs - before.scavengeMs) * 1000) / result.requests).toFixed(2)} us per request, ${after.majors - before.majors} full collections`,
    );
    if (!values["by-function"]) continue;
    process.kill(pid, "SIGUSR2");
    await waitFor(join(dir, `${pid}.sampling`));
    const sampled = await throughput(target, body, { connections, durationS });
    process.kill(pid, "SIGUSR2");
    await waitFor(join(dir, `${pid}.heapprofile`));
    await sleep(200);
    const profile = JSON.parse(readFileSync(join(dir, `${pid}.heapprofile`), "utf8")) as { head: ProfileNode };
    const self = new Map<string, number>();
    const inclusive = new Map<string, number>();
    let total = 0;
    const walk = (node: ProfileNode, stackNames: string[]) => {
      const frame = node.callFrame;
      const label = `${frame.functionName || "(anonymous)"} ${frame.url.replace(/^.*\/(dist|node_modules)\//, "$1/")}:${frame.lineNumber + 1}`;
      self.set(label, (self.get(label) ?? 0) + node.selfSize);
      total += node.selfSize;
      const next = [...stackNames, label];
      for (const entry of new Set(next)) if (entry.includes("dist/")) inclusive.set(entry, (inclusive.get(entry) ?? 0) + node.selfSize);
      for (const child of node.children) walk(child, next);
    };
    walk(profile.head, []);
    const per = (bytes: number) => `${(bytes / sampled.requests / 1024).toFixed(2)} KB`.padStart(9);
    log(`  sampled: ${sampled.requests} requests, ${per(total).trim()} per request; by allocating function:`);
    for (const [label, bytes] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) log(`  ${per(bytes)}  ${label}`);
    if (inclusive.size > 0) {
      log("  the gateway's own frames, with what they call:");
      for (const [label, bytes] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) log(`  ${per(bytes)}  ${label}`);
    }
  }
} finally {
  await closeLoad();
  await stack.stop();
}
