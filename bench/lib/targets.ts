import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, startService, type Service } from "./processes.js";
import type { Target } from "./load.js";

export const BENCH_KEY = "sk-bench-master-key";
const tsx = ["--import", "tsx"];

export interface Stack {
  mock: Service;
  services: Service[];
  targets: Record<"direct" | "bare" | "portkey" | "switchyard", Target>;
  switchyard: Service;
  /** How Switchyard requests authenticate: a virtual key with limits, or the master key. */
  switchyardAuth: string;
  stop(): Promise<void>;
}

export interface StackOptions {
  outDir: string;
  mockLatencyMs: number;
  /** Extra node flags for the Switchyard process (e.g. --cpu-prof). */
  switchyardNodeFlags: string[];
  withPortkey: boolean;
}

/** Starts the mock upstream, the bare proxy, Portkey and Switchyard, each in its own process on 127.0.0.1. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const services: Service[] = [];
  try {
    const mockPort = await freePort();
    const mock = await startService({
      name: "mock",
      port: mockPort,
      command: process.execPath,
      args: [...tsx, "bench/mock-upstream.ts"],
      env: { PORT: String(mockPort), MOCK_LATENCY_MS: String(options.mockLatencyMs) },
    });
    services.push(mock);
    const upstream = `http://127.0.0.1:${mockPort}`;

    const barePort = await freePort();
    const bare = await startService({
      name: "bare",
      port: barePort,
      command: process.execPath,
      args: [...tsx, "bench/bare-proxy.ts"],
      env: { PORT: String(barePort), UPSTREAM: upstream },
    });
    services.push(bare);

    let portkey: Service | undefined;
    if (options.withPortkey) {
      const portkeyPort = await freePort();
      portkey = await startService({
        name: "portkey",
        port: portkeyPort,
        command: process.execPath,
        args: ["node_modules/@portkey-ai/gateway/build/start-server.js", `--port=${portkeyPort}`, "--headless"],
      });
      services.push(portkey);
    }

    const switchyardPort = await freePort();
    mkdirSync(options.outDir, { recursive: true });
    // A fresh database each run: names from an earlier run would collide, and old usage would skew nothing but space.
    rmSync(join(options.outDir, "data"), { recursive: true, force: true });
    const configPath = join(options.outDir, "switchyard.bench.json");
    writeFileSync(configPath, JSON.stringify(switchyardConfig(switchyardPort, upstream, options.outDir), null, 2));
    const switchyard = await startService({
      name: "switchyard",
      port: switchyardPort,
      command: process.execPath,
      args: [...options.switchyardNodeFlags, "bin/switchyard.js", "serve", "--config", configPath],
      env: { SWITCHYARD_MASTER_KEY: BENCH_KEY, NODE_ENV: "production" },
      probePath: "/health",
    });
    services.push(switchyard);

    const virtualKey = await createVirtualKey(switchyard.url);
    const json = { "content-type": "application/json" };
    const targets: Stack["targets"] = {
      direct: { name: "direct (mock)", url: `${upstream}/v1/chat/completions`, headers: json },
      bare: { name: "bare proxy", url: `${bare.url}/v1/chat/completions`, headers: json },
      portkey: {
        name: "Portkey",
        url: `${portkey?.url ?? "http://127.0.0.1:1"}/v1/chat/completions`,
        headers: { ...json, "x-portkey-provider": "openai", authorization: "Bearer x", "x-portkey-custom-host": `${upstream}/v1` },
      },
      switchyard: { name: "Switchyard", url: `${switchyard.url}/v1/chat/completions`, headers: { ...json, authorization: `Bearer ${virtualKey ?? BENCH_KEY}` } },
    };
    return {
      mock,
      services,
      targets,
      switchyard,
      switchyardAuth: virtualKey
        ? "a virtual key of a project, both with rate limits and budgets (checked and metered on every request, usage written to SQLite)"
        : "the master key (the admin API for virtual keys was not available)",
      async stop() {
        await Promise.all(services.map((service) => service.stop()));
      },
    };
  } catch (error) {
    await Promise.all(services.map((service) => service.stop()));
    throw error;
  }
}

/** Switchyard as deployed: master-key auth, info-level request logging, metrics on. */
function switchyardConfig(port: number, upstream: string, outDir: string): Record<string, unknown> {
  return {
    server: { host: "127.0.0.1", port, log_level: "info", data_dir: join(outDir, "data") },
    providers: { mock: { type: "openai", base_url: `${upstream}/v1`, api_key: "none" } },
    models: {
      bench: { routes: [{ provider: "mock", model: "bench" }] },
      hold: { routes: [{ provider: "mock", model: "hold" }] },
    },
  };
}

/**
 * Creates a project and a virtual key through the admin API, both with limits high enough never to
 * trip, so every benchmark request pays for key lookup, rate-limit and budget checks and metering.
 */
export async function createVirtualKey(url: string): Promise<string | undefined> {
  const admin = { "content-type": "application/json", authorization: `Bearer ${BENCH_KEY}` };
  const limits = { rpm: 1_000_000_000, tpm: 1_000_000_000_000, budgets: { daily_usd: 1_000_000 } };
  try {
    const project = await fetch(`${url}/admin/projects`, { method: "POST", headers: admin, body: JSON.stringify({ name: `bench-${Date.now()}`, ...limits }) });
    if (!project.ok) return undefined;
    const { id } = (await project.json()) as { id: string };
    const key = await fetch(`${url}/admin/keys`, { method: "POST", headers: admin, body: JSON.stringify({ project_id: id, name: "bench", ...limits }) });
    if (!key.ok) return undefined;
    return ((await key.json()) as { key: string }).key;
  } catch {
    return undefined;
  }
}
