import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlFixture, type ControlFixture } from "./control-fixture.js";

/** `GET /admin/routing/health`: the catalog's health column, from the usage ledger and the routing figures. */
describe("GET /admin/routing/health", () => {
  let fx: ControlFixture;
  let projectA: string;
  let keyA: string;
  let adminA: string;

  beforeAll(async () => {
    fx = await startControlFixture();
    projectA = (await fx.admin("POST", "/admin/projects", { name: "health-a" })).json.id;
    const projectB = (await fx.admin("POST", "/admin/projects", { name: "health-b" })).json.id;
    keyA = (await fx.admin("POST", "/admin/keys", { project_id: projectA })).json.key;
    adminA = (await fx.admin("POST", "/admin/keys", { project_id: projectA, role: "admin" })).json.key;
    const keyB = (await fx.admin("POST", "/admin/keys", { project_id: projectB })).json.key;
    for (let index = 0; index < 3; index++) expect((await fx.chat(keyA)).status).toBe(200);
    // A bad request upstream is not retried: exactly one failed request.
    fx.emulator.faults.push({ kind: "status", status: 400, message: "Emulated bad request" });
    expect((await fx.chat(keyA)).status).toBe(400);
    expect((await fx.chat(keyB, { model: "cheap" })).status).toBe(200);
    await fx.gateway.control.ledger.flush();
  });
  afterAll(async () => {
    await fx?.close();
  });

  it("gives the master key every model's recent error rate, latency and live route figures", async () => {
    const answer = await fx.admin("GET", "/admin/routing/health?window_minutes=30");
    expect(answer.status).toBe(200);
    expect(answer.json.window_minutes).toBe(30);
    const byModel = Object.fromEntries(answer.json.data.map((row: { model: string }) => [row.model, row]));
    expect(byModel["gpt-4o"]).toMatchObject({ requests: 4, errors: 1, error_rate: 0.25 });
    expect(byModel["gpt-4o"].latency_ms_avg).toBeGreaterThan(0);
    expect(byModel["gpt-4o"].routes).toEqual([expect.objectContaining({ provider: "up", model: "gpt-4o", in_flight: 0, breaker: "closed" })]);
    expect(byModel["gpt-4o"].routes[0].balancer_latency_ms).toBeGreaterThan(0);
    expect(byModel.cheap).toMatchObject({ requests: 1, errors: 0, error_rate: 0 });
  });

  it("narrows a project key to its own requests, without route figures", async () => {
    const response = await fx.gateway.server.inject({ method: "GET", url: "/admin/routing/health", headers: { authorization: `Bearer ${adminA}` } });
    expect(response.statusCode).toBe(200);
    const byModel = Object.fromEntries(response.json().data.map((row: { model: string }) => [row.model, row]));
    expect(byModel["gpt-4o"]).toMatchObject({ requests: 4, errors: 1 });
    expect(byModel.cheap).toMatchObject({ requests: 0, error_rate: null, latency_ms_avg: null });
    expect(byModel["gpt-4o"].routes).toBeUndefined();
    const foreign = await fx.gateway.server.inject({ method: "GET", url: "/admin/routing/health?project_id=elsewhere", headers: { authorization: `Bearer ${adminA}` } });
    expect(foreign.statusCode).toBe(404);
    const member = await fx.gateway.server.inject({ method: "GET", url: "/admin/routing/health", headers: { authorization: `Bearer ${keyA}` } });
    expect(member.statusCode).toBe(403);
  });

  it("refuses a bad window with a 400 naming the field", async () => {
    const answer = await fx.admin("GET", "/admin/routing/health?window_minutes=0");
    expect(answer.status).toBe(400);
    expect(answer.json.error.message).toContain("window_minutes");
  });
});
