import { readdirSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { closeLoad, holdOpenStreams, throughput } from "./lib/load.js";
import { startStack } from "./lib/targets.js";

/**
 * `npx tsx bench/hot-path.ts`: the quick loop for work on the request path. Switchyard (from dist/)
 * and the bare proxy only, JSON and stream throughput interleaved for a few rounds, printing CPU ms per
 * request of each and their ratio, RSS idle, after load and with open streams. No report file.
 *   --rounds=N  --duration=S  --connections=N  --streams=N (held open; 0 to skip)  --phases=json,stream
 *   --node-flags="--max-semi-space-size=4 ..."  extra node flags for Switchyard
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
  },
  strict: true,
});

const bodies = {
  json: JSON.stringify({ model: "bench", messages: [{ role: "user", content: "Say hello in one short sentence." }], max_tokens: 32 }),
  stream: JSON.stringify({ model: "bench", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "Say hello in one short sentence." }], max_tokens: 32 }),
};
const holdBody = JSON.stringify({ model: "hold", stream: true, messages: [{ role: "user", content: "hold" }] });
const log = (message: string) => process.stderr.write(`${message}\n`);
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

const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;

const flags = [...(values.profile ? ["--cpu-prof", "--cpu-prof-dir=bench/out/profiles"] : []), ...values["node-flags"].split(" ").filter(Boolean)];
const stack = await startStack({ outDir: "bench/out", mockLatencyMs: 0, switchyardNodeFlags: flags, withPortkey: false });
try {
  const services = { switchyard: stack.switchyard, bare: stack.services.find((service) => service.name === "bare")! };
  log(`RSS idle: switchyard ${services.switchyard.rssMb().toFixed(1)} MB, bare ${services.bare.rssMb().toFixed(1)} MB`);
  for (const name of ["switchyard", "bare"] as const) {
    await throughput(stack.targets[name], bodies.json, { connections: 10, durationS: 1 });
    await throughput(stack.targets[name], bodies.stream, { connections: 10, durationS: 1 });
  }
  for (const phase of values.phases.split(",") as Array<keyof typeof bodies>) {
    const cpu: Record<string, number[]> = { switchyard: [], bare: [] };
    const rate: Record<string, number[]> = { switchyard: [], bare: [] };
    const threadsBefore = { switchyard: threadTicks(services.switchyard.child.pid!), bare: threadTicks(services.bare.child.pid!) };
    const answered = { switchyard: 0, bare: 0 };
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const name of round % 2 ? (["bare", "switchyard"] as const) : (["switchyard", "bare"] as const)) {
        const before = services[name].cpuSeconds();
        const result = await throughput(stack.targets[name], bodies[phase], { connections: Number(values.connections), durationS: Number(values.duration) });
        cpu[name]!.push(((services[name].cpuSeconds() - before) * 1000) / Math.max(1, result.requests));
        rate[name]!.push(result.requestsPerSecond);
        answered[name] += result.requests;
        if (result.errors + result.non2xx > 0) log(`  ${name} ${phase}: ${result.errors + result.non2xx} errors`);
      }
    }
    const [sy, bare] = [median(cpu.switchyard!), median(cpu.bare!)];
    log(
      `${phase}: switchyard ${sy.toFixed(3)} ms/req (${median(rate.switchyard!).toFixed(0)}/s), bare ${bare.toFixed(3)} ms/req (${median(rate.bare!).toFixed(0)}/s); ` +
        `req/s ratio ${(median(rate.switchyard!) / median(rate.bare!)).toFixed(2)}, CPU bare/switchyard ${(bare / sy).toFixed(2)}`,
    );
    for (const name of ["switchyard", "bare"] as const) {
      log(`  ${name} threads, ms/req: ${threadReport(threadsBefore[name], threadTicks(services[name].child.pid!), answered[name])}`);
    }
  }
  log(`RSS after load: switchyard ${services.switchyard.rssMb().toFixed(1)} MB, bare ${services.bare.rssMb().toFixed(1)} MB`);
  const streams = Number(values.streams);
  if (streams > 0) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const { opened, value } = await holdOpenStreams(stack.targets.switchyard, holdBody, streams, () => services.switchyard.rssMb());
    log(`switchyard with ${opened} open streams: RSS ${value.toFixed(1)} MB`);
  }
} finally {
  await closeLoad();
  await stack.stop();
}
