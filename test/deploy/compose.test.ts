import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { loadConfigFile } from "../../src/config/load.js";
import { resolveConfig } from "../../src/config/resolve.js";
import { createLogger } from "../../src/observability/logger.js";
import { requireTools, run } from "./tools.js";

// `docker-compose config` (Debian's docker-compose 1.29) validates and resolves the file without a
// Docker engine; nothing is started here.
const COMPOSE = fileURLToPath(new URL("../../deploy/compose/compose.yaml", import.meta.url));
const env = { ...process.env, SWITCHYARD_MASTER_KEY: "compose-master", POSTGRES_PASSWORD: "compose-pg" };

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: string[];
}

describe("deploy/compose/compose.yaml", () => {
  let services: Record<string, Service>;

  beforeAll(async () => {
    requireTools();
    const resolved = await run("docker-compose", ["-f", COMPOSE, "config"], env);
    expect(resolved.stderr).toBe("");
    expect(resolved.code).toBe(0);
    services = (parseYaml(resolved.stdout) as { services: Record<string, Service> }).services;
  });

  it("is valid for docker-compose, and refuses to start without the secrets it needs", async () => {
    expect((await run("docker-compose", ["-f", COMPOSE, "config", "-q"], env)).code).toBe(0);
    const { POSTGRES_PASSWORD: _dropped, ...withoutPassword } = env;
    const refused = await run("docker-compose", ["-f", COMPOSE, "config", "-q"], withoutPassword);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("set POSTGRES_PASSWORD");
  });

  it("runs PostgreSQL, Redis and two gateway nodes behind nginx", () => {
    expect(Object.keys(services).sort()).toEqual(["gateway-1", "gateway-2", "lb", "postgres", "redis"]);
    for (const name of ["gateway-1", "gateway-2"]) {
      const gateway = services[name]!;
      expect(gateway.build?.dockerfile).toBe("deploy/Dockerfile");
      expect(gateway.environment).toMatchObject({
        DATABASE_URL: "postgres://switchyard:compose-pg@postgres:5432/switchyard",
        REDIS_URL: "redis://redis:6379",
        SWITCHYARD_MASTER_KEY: "compose-master",
        SWITCHYARD_CONFIG: "/etc/switchyard/switchyard.yaml",
      });
      expect(gateway.depends_on).toEqual({ postgres: { condition: "service_healthy" }, redis: { condition: "service_healthy" } });
      // Each node keeps its own data directory (usage journal, local models).
      expect(gateway.volumes).toContain(`${name}-data:/data:rw`);
    }
    expect(services.lb!.depends_on).toEqual({ "gateway-1": { condition: "service_healthy" }, "gateway-2": { condition: "service_healthy" } });
    const nginx = readFileSync(new URL("../../deploy/compose/nginx.conf", import.meta.url), "utf8");
    expect(nginx).toMatch(/server gateway-1:4000/);
    expect(nginx).toMatch(/server gateway-2:4000/);
    expect(nginx).toContain("proxy_buffering off");
  });

  it("mounts a config file that Switchyard itself accepts", async () => {
    const loaded = loadConfigFile({ path: fileURLToPath(new URL("../../deploy/compose/switchyard.yaml", import.meta.url)), env: {} });
    const runtime = resolveConfig(loaded.config, { logger: createLogger("silent"), env: {} });
    expect(runtime.models.list().map((model) => model.name)).toEqual(["local"]);
    await runtime.close();
  });
});
