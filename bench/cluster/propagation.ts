import { parseArgs } from "node:util";
import { createLogger } from "../../src/observability/logger.js";
import { startGateway, type RunningGateway } from "../../test/helpers/gateway.js";
import { startOpenaiEmulator } from "../../test/emulators/openai/server.js";
import { startPostgres } from "../../test/helpers/postgres.js";

/**
 * How long a change made through one node takes to answer on another (two gateways in this process
 * on one PostgreSQL, reconcile timer off, so the LISTEN/NOTIFY bus is what carries it): a deployment
 * saved on node 1, then node 2 polled every millisecond until the name answers.
 *   npx tsx bench/cluster/propagation.ts [--trials=30]
 */
const { values } = parseArgs({ options: { trials: { type: "string", default: "30" } }, strict: true });
const MASTER = "bench-cluster-master";

async function main(): Promise<void> {
  const [postgres, emulator] = await Promise.all([startPostgres(), startOpenaiEmulator()]);
  const nodes: RunningGateway[] = [];
  try {
    const env = { DATABASE_URL: await postgres.createDatabase(), SWITCHYARD_MASTER_KEY: MASTER };
    const config = {
      providers: { up: { type: "openai", base_url: emulator.baseURL, api_key: "none" } },
      models: { "gpt-4o": { routes: [{ provider: "up", model: "gpt-4o" }] } },
      cluster: { reconcile_ms: 0 },
    };
    for (let index = 0; index < 2; index++) nodes.push(await startGateway(config, { env, logger: createLogger("silent") }));
    const [one, two] = nodes as [RunningGateway, RunningGateway];
    const headers = { authorization: `Bearer ${MASTER}` };
    const samples: number[] = [];
    for (let trial = 0; trial < Number(values.trials); trial++) {
      const name = `bench-${trial}`;
      const started = performance.now();
      const saved = await one.server.inject({ method: "PUT", url: `/admin/deployments/${name}`, headers, payload: { model: "gpt-4o" } });
      if (saved.statusCode !== 200) throw new Error(saved.body);
      const deadline = started + 5000;
      for (;;) {
        const answer = await two.server.inject({ method: "POST", url: "/v1/chat/completions", headers, payload: { model: name, messages: [{ role: "user", content: "hi" }] } });
        if (answer.statusCode === 200) break;
        if (performance.now() > deadline) throw new Error(`${name} never answered on node 2`);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      samples.push(performance.now() - started);
    }
    samples.sort((a, b) => a - b);
    const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!.toFixed(1);
    console.log(`deployment saved on node 1 -> answering on node 2, ${samples.length} trials: p50 ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${at(1)} ms`);
  } finally {
    await Promise.allSettled(nodes.map((node) => node.close()));
    await Promise.allSettled([postgres.stop(), emulator.close()]);
  }
}

await main();
