import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";

export const MASTER = "master-secret-for-tests";

export interface ControlFixture {
  emulator: OpenaiEmulator;
  gateway: RunningGateway;
  dataDir: string;
  /** Calls the admin API with the master key. */
  admin(method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE", url: string, body?: unknown): Promise<{ status: number; json: any; headers: Record<string, unknown> }>;
  /** A chat completion with the given key. */
  chat(key: string, body?: Record<string, unknown>): Promise<{ status: number; json: any; headers: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** A gateway with a master key, its own data dir, and models served by the OpenAI emulator. */
export async function startControlFixture(extra: Record<string, unknown> = {}, env: Record<string, string> = {}): Promise<ControlFixture> {
  const emulator = await startOpenaiEmulator();
  const dataDir = mkdtempSync(join(tmpdir(), "swy-control-"));
  const gateway = await startGateway(
    {
      server: { data_dir: dataDir, log_level: "silent" },
      providers: { up: { type: "openai", base_url: emulator.baseURL, api_key: "none" } },
      models: {
        "gpt-4o": { routes: [{ provider: "up", model: "gpt-4o" }] },
        cheap: { routes: [{ provider: "up", model: "gpt-4o-mini" }] },
      },
      ...extra,
    },
    { env: { SWITCHYARD_MASTER_KEY: MASTER, ...env } },
  );
  const call = async (method: string, url: string, key: string | undefined, body?: unknown) => {
    const response = await gateway.server.inject({
      method: method as "GET",
      url,
      headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
      ...(body !== undefined && { payload: body as Record<string, unknown> }),
    });
    let json: unknown;
    try {
      json = response.json();
    } catch {
      json = response.body;
    }
    return { status: response.statusCode, json, headers: response.headers };
  };
  return {
    emulator,
    gateway,
    dataDir,
    admin: (method, url, body) => call(method, url, MASTER, body),
    chat: (key, body = {}) => call("POST", "/v1/chat/completions", key, { model: "gpt-4o", messages: [{ role: "user", content: "hello there" }], ...body }),
    async close() {
      await gateway.close();
      await emulator.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
