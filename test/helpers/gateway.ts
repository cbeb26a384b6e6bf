import type { AddressInfo } from "node:net";
import { createApp, type App, type AppOptions } from "../../src/app.js";
import { createLogger } from "../../src/observability/logger.js";

export interface RunningGateway extends App {
  url: string;
  /** Base URL for OpenAI clients (`.../v1`). */
  baseURL: string;
}

/** Starts a gateway on 127.0.0.1 with a free port and a silent logger. */
export async function startGateway(config: Record<string, unknown>, options: Omit<AppOptions, "config"> = {}): Promise<RunningGateway> {
  const app = await createApp({ logger: createLogger("silent"), env: {}, ...options, config });
  await app.server.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return Object.assign(app, { url, baseURL: `${url}/v1` });
}
