import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { closeLoad, throughput, type Target, type ThroughputResult } from "../lib/load.js";
import { freePort, startService, type Service } from "../lib/processes.js";

/**
 * What `/v1/responses` costs over `/v1/chat/completions` for the same model call, as ratios in one
 * run: the same gateway and upstream, one virtual key, JSON and streamed; `/v1/responses` both stored
 * (one row written per response) and with `store: false`. Rounds rotate the order so machine noise
 * hits every target alike. Reports req/s and the gateway's CPU ms per request.
 *   npx tsx bench/responses/overhead.ts [--rounds=3] [--duration=5] [--connections=50]
 */
const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    duration: { type: "string", default: "5" },
    connections: { type: "string", default: "50" },
  },
  strict: true,
});
const MASTER = "sk-bench-responses-master";

interface Case {
  target: Target;
  body: string;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "swy-bench-responses-"));
  const services: Service[] = [];
  try {
    const upstreamPort = await freePort();
    services.push(await startService({ name: "mock", port: upstreamPort, command: process.execPath, args: ["--import", "tsx", "bench/mock-upstream.ts"], env: { PORT: String(upstreamPort) } }));
    const port = await freePort();
    const configPath = join(dataDir, "config.json");
    writeFileSync(
      configPath,
      JSON.stringify({
        server: { port, data_dir: dataDir, log_level: "warn" },
        providers: { up: { type: "openai", base_url: `http://127.0.0.1:${upstreamPort}/v1`, api_key: "none" } },
        models: { "gpt-4o": { routes: [{ provider: "up", model: "gpt-4o" }] } },
      }),
    );
    const gateway = await startService({
      name: "switchyard",
      port,
      command: process.execPath,
      args: ["--import", "tsx", "src/cli/main.ts", "serve", "--config", configPath],
      env: { SWITCHYARD_MASTER_KEY: MASTER },
      probePath: "/health",
    });
    services.push(gateway);
    const admin = async (path: string, body: unknown) => {
      const response = await fetch(`${gateway.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${MASTER}`, "content-type": "application/json" }, body: JSON.stringify(body) });
      return (await response.json()) as Record<string, string>;
    };
    const project = await admin("/admin/projects", { name: "bench" });
    const key = await admin("/admin/keys", { project_id: project.id });
    const headers = { authorization: `Bearer ${key.key}` };
    const chat = { name: "chat", url: `${gateway.url}/v1/chat/completions`, headers };
    const responses = { name: "responses", url: `${gateway.url}/v1/responses`, headers };
    const messages = [{ role: "user", content: "hello there" }];
    const cases: Record<string, Case> = {
      "chat/completions JSON": { target: chat, body: JSON.stringify({ model: "gpt-4o", max_tokens: 16, messages }) },
      "responses JSON, stored": { target: responses, body: JSON.stringify({ model: "gpt-4o", max_output_tokens: 16, input: "hello there" }) },
      "responses JSON, store: false": { target: responses, body: JSON.stringify({ model: "gpt-4o", max_output_tokens: 16, input: "hello there", store: false }) },
      "chat/completions stream": { target: chat, body: JSON.stringify({ model: "gpt-4o", max_tokens: 16, messages, stream: true, stream_options: { include_usage: true } }) },
      "responses stream, stored": { target: responses, body: JSON.stringify({ model: "gpt-4o", max_output_tokens: 16, input: "hello there", stream: true }) },
    };
    const options = { connections: Number(values.connections), durationS: Number(values.duration) };
    for (const item of Object.values(cases)) await throughput(item.target, item.body, { ...options, durationS: 1 });
    const names = Object.keys(cases);
    const results = new Map<string, Array<ThroughputResult & { cpuMsPerRequest: number }>>(names.map((name) => [name, []]));
    for (let round = 0; round < Number(values.rounds); round++) {
      const order = names.map((_, index) => names[(index + round) % names.length]!);
      for (const name of order) {
        const item = cases[name]!;
        const cpuBefore = gateway.cpuSeconds();
        const result = await throughput(item.target, item.body, options);
        const cpuMsPerRequest = ((gateway.cpuSeconds() - cpuBefore) * 1000) / Math.max(1, result.requests);
        results.get(name)!.push({ ...result, cpuMsPerRequest });
      }
    }
    const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
    process.stdout.write(`${values.rounds} rounds x ${values.duration} s, ${values.connections} connections, virtual key, sqlite, medians of rounds\n`);
    const rows = new Map<string, { rps: number; cpu: number }>();
    for (const [name, list] of results) {
      const rps = median(list.map((result) => result.requestsPerSecond));
      const cpu = median(list.map((result) => result.cpuMsPerRequest));
      rows.set(name, { rps, cpu });
      const failures = list.reduce((sum, result) => sum + result.errors + result.non2xx, 0);
      const p50 = median(list.map((result) => result.p50Ms));
      process.stdout.write(`${name.padEnd(30)} ${rps.toFixed(0).padStart(6)} req/s  p50 ${p50.toFixed(1)} ms  CPU ${cpu.toFixed(3)} ms/request  failures ${failures}\n`);
    }
    const ratio = (a: string, b: string) => `${(rows.get(a)!.rps / rows.get(b)!.rps).toFixed(3)} req/s, ${(rows.get(a)!.cpu / rows.get(b)!.cpu).toFixed(3)} CPU`;
    process.stdout.write(`responses stored / chat, JSON: ${ratio("responses JSON, stored", "chat/completions JSON")}\n`);
    process.stdout.write(`responses store:false / chat, JSON: ${ratio("responses JSON, store: false", "chat/completions JSON")}\n`);
    process.stdout.write(`responses stored / chat, stream: ${ratio("responses stream, stored", "chat/completions stream")}\n`);
  } finally {
    await closeLoad();
    for (const service of services.reverse()) await service.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
