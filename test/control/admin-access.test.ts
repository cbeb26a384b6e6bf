import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlFixture, type ControlFixture } from "./control-fixture.js";

/** `GET /admin/access`: what the console asks to decide which pages and buttons a key gets. */
describe("GET /admin/access", () => {
  let fx: ControlFixture;
  let projectId: string;

  const get = async (key: string) => {
    const response = await fx.gateway.server.inject({ method: "GET", url: "/admin/access", headers: { authorization: `Bearer ${key}` } });
    return { status: response.statusCode, json: response.json() };
  };

  beforeAll(async () => {
    fx = await startControlFixture();
    projectId = (await fx.admin("POST", "/admin/projects", { name: "access" })).json.id;
  });
  afterAll(async () => {
    await fx?.close();
  });

  it("answers the master key as a global admin", async () => {
    const answer = await fx.admin("GET", "/admin/access");
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ object: "admin_access", key_id: "master", role: "admin", project_id: null, scope: "global" });
  });

  it("answers project keys with their role and project, and refuses members", async () => {
    const admin = (await fx.admin("POST", "/admin/keys", { project_id: projectId, role: "admin" })).json;
    const viewer = (await fx.admin("POST", "/admin/keys", { project_id: projectId, role: "viewer" })).json;
    const member = (await fx.admin("POST", "/admin/keys", { project_id: projectId })).json;
    expect((await get(admin.key)).json).toEqual({ object: "admin_access", key_id: admin.id, role: "admin", project_id: projectId, scope: "project" });
    expect((await get(viewer.key)).json).toMatchObject({ role: "viewer", project_id: projectId, scope: "project" });
    const refused = await get(member.key);
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe("SWY_ERR_FORBIDDEN");
  });
});
