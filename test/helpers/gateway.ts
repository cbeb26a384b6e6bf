import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp, type App, type AppOptions } from "../../src/app.js";
import { createLogger } from "../../src/observability/logger.js";

export interface RunningGateway extends App {
  url: string;
  /** Base URL for OpenAI clients (`.../v1`). */
  baseURL: string;
}

/**
 * Starts a gateway on 127.0.0.1 with a free port and a silent logger. Unless the config names a data
 * directory, each gateway gets its own temporary one (its own SQLite file), removed on close.
 */
export async function startGateway(config: Record<string, unknown>, options: Omit<AppOptions, "config"> = {}): Promise<RunningGateway> {
  const server = (config.server ?? {}) as Record<string, unknown>;
  const ownDataDir = server.data_dir === undefined ? mkdtempSync(join(tmpdir(), "swy-data-")) : undefined;
  const withDataDir = ownDataDir ? { ...config, server: { ...server, data_dir: ownDataDir } } : config;
  const app = await createApp({ logger: createLogger("silent"), env: {}, ...options, config: withDataDir });
  await app.server.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const close = app.close.bind(app);
  return Object.assign(app, {
    url,
    baseURL: `${url}/v1`,
    async close() {
      await close();
      if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true });
    },
  });
}
