import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { ConfigError } from "../../src/config/load.js";
import { createLogger } from "../../src/observability/logger.js";
import { startRedis, type RedisServer } from "../helpers/redis.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Connections the gateway opened (ioredis names them switchyard*), as Redis itself sees them. */
async function gatewayConnections(probe: Redis): Promise<number> {
  const list = (await probe.call("CLIENT", "LIST")) as string;
  return list.split("\n").filter((line) => /\bname=switchyard/.test(line)).length;
}

describe("createApp cleans up when a later step fails", () => {
  let redis: RedisServer;
  let probe: Redis;
  let dataDir: string;

  beforeAll(async () => {
    redis = await startRedis();
    probe = new Redis(redis.url);
    dataDir = mkdtempSync(join(tmpdir(), "swy-cleanup-"));
  });
  afterAll(async () => {
    probe?.disconnect();
    await redis?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("closes the control plane's database and Redis and rethrows the config error", async () => {
    const config = {
      server: { data_dir: dataDir, log_level: "silent" },
      providers: { up: { type: "openai", base_url: "http://127.0.0.1:9/v1", api_key: "none" } },
      models: { chat: { routes: [{ provider: "up", model: "gpt-4o" }] } },
      cache: { mode: "on" },
      guardrails: { providers: { nowhere: { exempt: true } } },
    };
    const failure = await createApp({ config, env: { REDIS_URL: redis.url }, logger: createLogger("silent") }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigError);
    expect(String((failure as Error).message)).toMatch(/guardrails\.providers\.nowhere/);

    // A leaked client connects within milliseconds on 127.0.0.1; a closed one never shows up (or leaves).
    const seen: number[] = [];
    for (let sample = 0; sample < 40; sample++) {
      seen.push(await gatewayConnections(probe));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(seen.at(-1)).toBe(0);

    // The same data directory opens cleanly afterwards: the database was closed, not left half-used.
    const app = await createApp({ config: { ...config, guardrails: {} }, env: { REDIS_URL: redis.url }, logger: createLogger("silent") });
    expect(app.guardrails).toBeDefined();
    await app.close();
  });
});
