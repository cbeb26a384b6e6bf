import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/observability/logger.js";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";
import { startRedis, type RedisServer } from "../helpers/redis.js";

const MASTER = "sk-master-outage";

describe("a Redis outage degrades, never fails with 500", () => {
  let upstream: OpenaiEmulator;
  let redis: RedisServer;
  let app: RunningGateway;
  const warnings: string[] = [];
  const chat = (key: string, text: string, headers: Record<string, string> = {}) =>
    app.server.inject({
      method: "POST",
      url: "/v1/chat/completions",
      headers: { authorization: `Bearer ${key}`, ...headers },
      payload: { model: "gpt-4o", messages: [{ role: "user", content: text }] },
    });

  beforeAll(async () => {
    [upstream, redis] = await Promise.all([startOpenaiEmulator(), startRedis()]);
    const logger = createLogger("silent");
    const warn = logger.warn.bind(logger);
    logger.warn = ((...args: Parameters<typeof logger.warn>) => {
      warnings.push(args.map((arg) => (typeof arg === "string" ? arg : "")).join(" "));
      return warn(...args);
    }) as typeof logger.warn;
    app = await startGateway(
      {
        server: { log_level: "silent" },
        providers: { up: { type: "openai", base_url: upstream.baseURL, api_key: "none" } },
        models: { "gpt-4o": { routes: [{ provider: "up", model: "gpt-4o" }] } },
        cache: { mode: "opt-in" },
      },
      { env: { SWITCHYARD_MASTER_KEY: MASTER, REDIS_URL: redis.url }, logger },
    );
  });
  afterAll(async () => {
    await app?.close();
    await Promise.all([upstream?.close(), redis?.stop()]);
  });

  it("keeps answering keys without limits (breakers and cache fall back in-process) and refuses limited keys with 503", async () => {
    const admin = (url: string, payload: Record<string, unknown>) =>
      app.server.inject({ method: "POST", url, headers: { authorization: `Bearer ${MASTER}` }, payload }).then((response) => response.json());
    const project = await admin("/admin/projects", { name: "outage" });
    const free = await admin("/admin/keys", { project_id: project.id, name: "free" });
    const limited = await admin("/admin/keys", { project_id: project.id, name: "limited", rpm: 100 });
    expect((await chat(free.key, "before", { "x-switchyard-cache": "on" })).statusCode).toBe(200);
    expect((await chat(limited.key, "before")).statusCode).toBe(200);

    await redis.stop();
    for (const key of [MASTER, free.key]) {
      const response = await chat(key, "during the outage", { "x-switchyard-cache": "on" });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json().choices[0].message.content).toBeTruthy();
    }
    const refused = await chat(limited.key, "during the outage");
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error.code).toBe("SWY_ERR_LIMITS_UNAVAILABLE");
    expect(warnings.some((line) => /circuit breakers: Redis is unreachable/.test(line))).toBe(true);
  });
});
