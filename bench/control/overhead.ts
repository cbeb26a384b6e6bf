import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { closeLoad, throughput, type Target, type ThroughputResult } from "../lib/load.js";
import { freePort, startService, type Service } from "../lib/processes.js";
import { startRedis, type RedisServer } from "../../test/helpers/redis.js";

/**
 * What the control plane costs per request, as ratios in one run: the same gateway answered with the
 * master key (metering only) and with a virtual key that has budgets, RPM and TPM (key lookup +
 * reservation + settle + metering). Rounds alternate so machine noise hits both alike.
 *   npx tsx bench/control/overhead.ts [--rounds=3] [--duration=5] [--connections=50] [--redis]
 */
const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    duration: { type: "string", default: "5" },
    connections: { type: "string", default: "50" },
    redis: { type: "boolean", default: false },
  },
  strict: true,
});
const MASTER = "sk-bench-control-master";

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "swy-bench-control-"));
  const services: Service[] = [];
  let redis: RedisServer | undefined;
  try {
    const upstreamPort = await freePort();
    services.push(await startService({ name: "mock", port: upstreamPort, command: process.execPath, args: ["--import", "tsx", "bench/mock-upstream.ts"], env: { PORT: String(upstreamPort) } }));
    if (values.redis) redis = await startRedis();
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
      env: { SWITCHYARD_MASTER_KEY: MASTER, ...(redis && { REDIS_URL: redis.url }) },
      probePath: "/health",
    });
    services.push(gateway);
    const admin = async (path: string, body: unknown) => {
      const response = await fetch(`${gateway.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${MASTER}`, "content-type": "application/json" }, body: JSON.stringify(body) });
      return (await response.json()) as Record<string, string>;
    };
    const project = await admin("/admin/projects", { name: "bench", budgets: { daily_usd: 1e6 }, tpm: 1e11 });
    const key = await admin("/admin/keys", { project_id: project.id, budgets: { daily_usd: 1e6, monthly_usd: 1e7 }, rpm: 1e9, tpm: 1e11 });

    const url = `${gateway.url}/v1/chat/completions`;
    const master: Target = { name: "master key (metering)", url, headers: { authorization: `Bearer ${MASTER}` } };
    const limited: Target = { name: "virtual key (limits + metering)", url, headers: { authorization: `Bearer ${key.key}` } };
    const body = JSON.stringify({ model: "gpt-4o", max_tokens: 16, messages: [{ role: "user", content: "hello there" }] });
    const options = { connections: Number(values.connections), durationS: Number(values.duration) };
    await throughput(master, body, { ...options, durationS: 2 });
    const results = new Map<string, ThroughputResult[]>([[master.name, []], [limited.name, []]]);
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const target of round % 2 === 0 ? [master, limited] : [limited, master]) results.get(target.name)!.push(await throughput(target, body, options));
    }
    const mean = (list: ThroughputResult[], pick: (result: ThroughputResult) => number) => list.reduce((sum, result) => sum + pick(result), 0) / list.length;
    const rows = [...results.entries()].map(([name, list]) => ({
      name,
      rps: mean(list, (result) => result.requestsPerSecond),
      p50: mean(list, (result) => result.p50Ms),
      p99: mean(list, (result) => result.p99Ms),
      failures: list.reduce((sum, result) => sum + result.errors + result.non2xx, 0),
    }));
    process.stdout.write(`counters: ${redis ? "redis" : "in-process"}, database: sqlite, ${values.rounds} rounds x ${values.duration} s, ${values.connections} connections\n`);
    for (const row of rows) process.stdout.write(`${row.name.padEnd(34)} ${row.rps.toFixed(0).padStart(7)} req/s  p50 ${row.p50.toFixed(1)} ms  p99 ${row.p99.toFixed(1)} ms  failures ${row.failures}\n`);
    process.stdout.write(`throughput ratio (virtual key / master key): ${(rows[1]!.rps / rows[0]!.rps).toFixed(3)}\n`);
  } finally {
    await closeLoad();
    for (const service of services.reverse()) await service.stop();
    await redis?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
