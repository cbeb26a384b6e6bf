import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";
import { startRedis, type RedisServer } from "../helpers/redis.js";

let redis: RedisServer;
let failing: OpenaiEmulator;
let backup: OpenaiEmulator;
const nodes: RunningGateway[] = [];
const MASTER = "shared-breakers-master";
const auth = { authorization: `Bearer ${MASTER}` };

beforeAll(async () => {
  [redis, failing, backup] = await Promise.all([startRedis(), startOpenaiEmulator(), startOpenaiEmulator()]);
  const config = {
    providers: {
      failing: { type: "openai", base_url: failing.baseURL, api_key: "none" },
      backup: { type: "openai", base_url: backup.baseURL, api_key: "none" },
    },
    models: {
      chat: {
        routes: [
          { provider: "failing", model: "gpt-4o-mini" },
          { provider: "backup", model: "gpt-4o-mini" },
        ],
        strategy: { circuit_breaker: { consecutive_failures: 3, cooldown_ms: 60_000 } },
      },
    },
  };
  for (let index = 0; index < 2; index++) nodes.push(await startGateway(config, { env: { REDIS_URL: redis.url, SWITCHYARD_MASTER_KEY: MASTER } }));
});

afterAll(async () => {
  for (const node of nodes) await node.close();
  await Promise.all([failing?.close(), backup?.close()]);
  await redis?.stop();
});

async function chat(node: RunningGateway) {
  const response = await fetch(`${node.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...auth },
    body: JSON.stringify({ model: "chat", messages: [{ role: "user", content: "hi" }] }),
  });
  return { status: response.status, provider: response.headers.get("x-switchyard-provider") };
}

describe("breakers shared through Redis (REDIS_URL)", () => {
  it("a breaker opened by failures on one node keeps the other node off that endpoint", async () => {
    failing.faults.standing = { kind: "status", status: 500 };
    for (let index = 0; index < 3; index++) expect(await chat(nodes[0]!)).toEqual({ status: 200, provider: "backup" });
    const seen = failing.requests.length;
    expect(await chat(nodes[1]!)).toEqual({ status: 200, provider: "backup" });
    expect(failing.requests.length).toBe(seen);

    const body = (await (await fetch(`${nodes[1]!.url}/admin/routing/breakers`, { headers: auth })).json()) as { store: string; breakers: Array<{ key: string; state: string }> };
    expect(body.store).toBe("redis");
    expect(body.breakers).toContainEqual(expect.objectContaining({ key: "failing", state: "open" }));
  });
});
