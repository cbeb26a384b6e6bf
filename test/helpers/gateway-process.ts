import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./free-port.js";

/** A gateway as a real child process (`switchyard serve`), for tests that kill it or run several. */
export interface GatewayProcess {
  readonly url: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** What the process wrote to stderr (the last 8 KB), for failure messages. */
  stderr(): string;
  /** Calls the gateway with a key; the body is JSON when the response is. */
  call(method: string, path: string, options?: { key?: string; json?: unknown; body?: string | Buffer; headers?: Record<string, string> }): Promise<{ status: number; json: any; text: string }>;
  /** SIGKILL, and resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (a clean shutdown), and resolves once the process is gone. */
  stop(): Promise<void>;
}

/**
 * Writes `config` (with a free port) into `dataDir/config.json`, starts `serve` on it and waits until
 * /health answers (deadline `startMs`).
 */
export async function startGatewayProcess(options: { dataDir: string; config: Record<string, unknown>; env: Record<string, string>; startMs?: number }): Promise<GatewayProcess> {
  // A free port can be taken by another process before the child binds it: try another one.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      if (attempt >= 3 || !String((error as Error).message).includes("EADDRINUSE")) throw error;
    }
  }
}

async function startOnce(options: { dataDir: string; config: Record<string, unknown>; env: Record<string, string>; startMs?: number }): Promise<GatewayProcess> {
  const port = await freePort();
  const server = (options.config.server ?? {}) as Record<string, unknown>;
  const configPath = join(options.dataDir, "config.json");
  writeFileSync(configPath, JSON.stringify({ ...options.config, server: { log_level: "warn", ...server, port, data_dir: options.dataDir } }));
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve", "--config", configPath], {
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8192);
  });
  const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", () => resolve())));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startMs ?? 90_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}: ${stderr}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`gateway did not answer /health within ${options.startMs ?? 90_000} ms: ${stderr}`);
    }
    const healthy = await fetch(`${url}/health`).then((response) => response.ok, () => false);
    if (healthy) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    child,
    pid: child.pid!,
    stderr: () => stderr,
    async call(method, path, request = {}) {
      const headers: Record<string, string> = { ...(request.key ? { authorization: `Bearer ${request.key}` } : {}), ...request.headers };
      if (request.json !== undefined) headers["content-type"] = "application/json";
      const response = await fetch(`${url}${path}`, { method, headers, body: request.json !== undefined ? JSON.stringify(request.json) : request.body });
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.status, json, text };
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
