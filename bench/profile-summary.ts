import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Summarises V8 .cpuprofile files (from `npm run bench -- --profile`, or `node --cpu-prof`): self time
 * per function and per package, so the hot path's cost is visible without a flame-graph viewer.
 *   tsx bench/profile-summary.ts [DIR or FILE] [--top=N] [--skip=SECONDS]
 * --skip leaves out the first seconds of each profile (start-up: module loading, migrations).
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

const args = process.argv.slice(2);
const top = Number(args.find((arg) => arg.startsWith("--top="))?.slice(6) ?? 30);
const skipMicros = Number(args.find((arg) => arg.startsWith("--skip="))?.slice(7) ?? 0) * 1e6;
const target = args.find((arg) => !arg.startsWith("--")) ?? "bench/out/profiles";
const files = target.endsWith(".cpuprofile") ? [target] : readdirSync(target).filter((name) => name.endsWith(".cpuprofile")).map((name) => join(target, name));

const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
let total = 0;
for (const file of files) {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const hitsById = new Map<number, number>();
  if (skipMicros > 0 && profile.samples && profile.timeDeltas) {
    let elapsed = 0;
    profile.samples.forEach((id, index) => {
      elapsed += profile.timeDeltas![index] ?? 0;
      if (elapsed >= skipMicros) hitsById.set(id, (hitsById.get(id) ?? 0) + 1);
    });
  }
  for (const node of profile.nodes) {
    const hits = skipMicros > 0 ? (hitsById.get(node.id) ?? 0) : (node.hitCount ?? 0);
    if (hits === 0) continue;
    total += hits;
    const url = node.callFrame.url.replace(/^file:\/\//, "").replace(process.cwd() + "/", "");
    const name = `${node.callFrame.functionName || "(anonymous)"} ${url}:${node.callFrame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + hits);
    byPackage.set(packageOf(url, node.callFrame.functionName), (byPackage.get(packageOf(url, node.callFrame.functionName)) ?? 0) + hits);
  }
}

function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  if (url.startsWith("node:")) return url.split("/")[0]!.replace(/^node:internal/, "node:internal");
  const dist = /(?:^|\/)(dist|src)\/([^/]+)/.exec(url);
  return dist ? `switchyard/${dist[2]}` : url;
}

const show = (title: string, map: Map<string, number>) => {
  process.stdout.write(`\n${title}\n`);
  for (const [name, hits] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`${((hits / total) * 100).toFixed(1).padStart(5)}%  ${name}\n`);
  }
};
process.stdout.write(`${files.length} profile(s), ${total} samples\n`);
show("self time by package", byPackage);
show("self time by function", byFunction);
