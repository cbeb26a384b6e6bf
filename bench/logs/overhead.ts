import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { closeLoad, throughput, type Target, type ThroughputResult } from "../lib/load.js";
import { freePort, startService, type Service } from "../lib/processes.js";

/**
 * What storing requests costs per request, as a ratio in one run: the same gateway, two projects'
 * keys, one project with `store_requests` on and one off (both take the full path). Rounds
 * alternate so machine noise hits both alike. Afterwards it checks every logged request reached the
 * database.
 *   npx tsx bench/logs/overhead.ts [--rounds=3] [--duration=5] [--connections=50] [--stream]
 */
const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    duration: { type: "string", default: "5" },
    connections: { type: "string", default: "50" },
    stream: { type: "boolean", default: false },
  },
  strict: true,
});
const MASTER = "sk-bench-logs-master";

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "swy-bench-logs-"));
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
    const admin = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${gateway.url}${path}`, { method, headers: { authorization: `Bearer ${MASTER}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
      return (await response.json()) as Record<string, unknown>;
    };
    const logged = await admin("POST", "/admin/projects", { name: "logged" });
    const plain = await admin("POST", "/admin/projects", { name: "plain" });
    await admin("PUT", `/admin/projects/${String(logged.id)}/logging`, { store_requests: true });
    const loggedKey = await admin("POST", "/admin/keys", { project_id: logged.id });
    const plainKey = await admin("POST", "/admin/keys", { project_id: plain.id });

    const url = `${gateway.url}/v1/chat/completions`;
    const off: Target = { name: "logging off", url, headers: { authorization: `Bearer ${String(plainKey.key)}` } };
    const on: Target = { name: "logging on (request + answer stored)", url, headers: { authorization: `Bearer ${String(loggedKey.key)}` } };
    const body = JSON.stringify({ model: "gpt-4o", max_tokens: 16, stream: values.stream, messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "hello there, how is the weather today?" }] });
    const options = { connections: Number(values.connections), durationS: Number(values.duration) };
    await throughput(off, body, { ...options, durationS: 2 });
    const results = new Map<string, ThroughputResult[]>([[off.name, []], [on.name, []]]);
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const target of round % 2 === 0 ? [off, on] : [on, off]) results.get(target.name)!.push(await throughput(target, body, options));
    }
    const mean = (list: ThroughputResult[], pick: (result: ThroughputResult) => number) => list.reduce((sum, result) => sum + pick(result), 0) / list.length;
    const rows = [...results.entries()].map(([name, list]) => ({
      name,
      rps: mean(list, (result) => result.requestsPerSecond),
      p50: mean(list, (result) => result.p50Ms),
      p99: mean(list, (result) => result.p99Ms),
      requests: list.reduce((sum, result) => sum + result.requests, 0),
      failures: list.reduce((sum, result) => sum + result.errors + result.non2xx, 0),
    }));
    process.stdout.write(`database: sqlite, ${values.stream ? "streaming" : "non-streaming"}, ${values.rounds} rounds x ${values.duration} s, ${values.connections} connections\n`);
    for (const row of rows) process.stdout.write(`${row.name.padEnd(38)} ${row.rps.toFixed(0).padStart(7)} req/s  p50 ${row.p50.toFixed(1)} ms  p99 ${row.p99.toFixed(1)} ms  failures ${row.failures}\n`);
    process.stdout.write(`throughput ratio (logging on / off): ${(rows[1]!.rps / rows[0]!.rps).toFixed(3)}\n`);
    const stored = await admin("GET", `/admin/logs?project_id=${String(logged.id)}&limit=1`);
    process.stdout.write(`stored rows readable: ${(stored.data as unknown[]).length > 0 ? "yes" : "no"}\n`);
  } finally {
    await closeLoad();
    for (const service of services.reverse()) await service.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
