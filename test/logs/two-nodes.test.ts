import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";
import { startPostgres, type PostgresServer } from "../helpers/postgres.js";

const MASTER = "sk-master-logs-nodes";

/** Two gateways on one PostgreSQL: a project's logging turned on through one node applies on the other, and both read the same log. */
describe("request log on two nodes", () => {
  let postgres: PostgresServer;
  let emulator: OpenaiEmulator;
  const nodes: RunningGateway[] = [];

  beforeAll(async () => {
    postgres = await startPostgres();
    emulator = await startOpenaiEmulator();
    const env = { DATABASE_URL: await postgres.createDatabase(), SWITCHYARD_MASTER_KEY: MASTER };
    const config = { providers: { up: { type: "openai", base_url: emulator.baseURL, api_key: "none" } }, models: { chat: { routes: [{ provider: "up", model: "a" }] } } };
    nodes.push(await startGateway(config, { env }));
    nodes.push(await startGateway(config, { env }));
  }, 60_000);

  afterAll(async () => {
    for (const node of nodes) await node.close();
    await emulator?.close();
    await postgres?.stop();
  });

  it("turns logging on everywhere at once and finds the other node's requests", async () => {
    const [a, b] = nodes as [RunningGateway, RunningGateway];
    const admin = async (node: RunningGateway, method: "GET" | "POST" | "PUT", url: string, payload?: object) => {
      const response = await node.server.inject({ method, url, headers: { authorization: `Bearer ${MASTER}` }, ...(payload && { payload }) });
      expect(response.statusCode, response.body).toBeLessThan(300);
      return response.json();
    };
    const project = await admin(a, "POST", "/admin/projects", { name: "two-nodes" });
    const key = (await admin(a, "POST", "/admin/keys", { project_id: project.id })).key as string;
    await admin(a, "PUT", `/admin/projects/${project.id}/logging`, { store_requests: true });
    const deadline = Date.now() + 10_000;
    while (!b.logs.settings.effective(project.id).store_requests) {
      if (Date.now() > deadline) throw new Error("node b never heard of the settings change");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const response = await b.server.inject({ method: "POST", url: "/v1/chat/completions", headers: { authorization: `Bearer ${key}` }, payload: { model: "chat", messages: [{ role: "user", content: "logged on node b, searched on node a" }] } });
    expect(response.statusCode).toBe(200);
    await b.logs.writer.flush();
    const found = await admin(a, "GET", "/admin/logs?q=searched%20node");
    expect(found.data.map((row: { request_id: string }) => row.request_id)).toEqual([String(response.headers["x-request-id"])]);
  });
});
