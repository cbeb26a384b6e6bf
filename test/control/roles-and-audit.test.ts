import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlFixture, type ControlFixture } from "./control-fixture.js";

/** Key roles behind the one admin guard, and the audit log of every mutating admin call. */
describe("admin roles and the admin audit log", () => {
  let fx: ControlFixture;
  let projectA: string;
  let projectB: string;
  let adminA: string;
  let viewerA: string;
  let memberA: string;
  let memberB: string;

  const as = async (key: string | undefined, method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE", url: string, body?: unknown) => {
    const response = await fx.gateway.server.inject({
      method,
      url,
      headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    return { status: response.statusCode, json: response.json() };
  };

  beforeAll(async () => {
    fx = await startControlFixture();
    projectA = (await fx.admin("POST", "/admin/projects", { name: "roles-a" })).json.id;
    projectB = (await fx.admin("POST", "/admin/projects", { name: "roles-b" })).json.id;
    adminA = (await fx.admin("POST", "/admin/keys", { project_id: projectA, role: "admin", name: "a-admin" })).json.key;
    viewerA = (await fx.admin("POST", "/admin/keys", { project_id: projectA, role: "viewer" })).json.key;
    memberA = (await fx.admin("POST", "/admin/keys", { project_id: projectA })).json.key;
    memberB = (await fx.admin("POST", "/admin/keys", { project_id: projectB })).json.key;
  });
  afterAll(async () => {
    await fx?.close();
  });

  it("keys default to member, which never reaches any admin route", async () => {
    const keys = await fx.admin("GET", `/admin/keys?project_id=${projectA}`);
    expect(keys.json.data.map((key: { role: string }) => key.role).sort()).toEqual(["admin", "member", "viewer"]);
    for (const url of ["/admin/projects", "/admin/keys", "/admin/usage", "/admin/audit", "/admin/guardrails/audit", "/admin/routing/breakers", "/admin/deployments", "/admin/credentials"]) {
      const response = await as(memberA, "GET", url);
      expect({ url, status: response.status }).toEqual({ url, status: 403 });
      expect(response.json.error.code).toBe("SWY_ERR_FORBIDDEN");
    }
    expect((await as(undefined, "GET", "/admin/routing/breakers")).status).toBe(401);
  });

  it("a project admin administers its own project and sees another's as missing", async () => {
    const projects = await as(adminA, "GET", "/admin/projects");
    expect(projects.status).toBe(200);
    expect(projects.json.data.map((project: { id: string }) => project.id)).toEqual([projectA]);
    expect((await as(adminA, "GET", `/admin/projects/${projectB}`)).status).toBe(404);
    expect((await as(adminA, "GET", `/admin/keys?project_id=${projectB}`)).status).toBe(404);
    const ownKeys = await as(adminA, "GET", "/admin/keys");
    expect(new Set(ownKeys.json.data.map((key: { project_id: string }) => key.project_id))).toEqual(new Set([projectA]));

    const created = await as(adminA, "POST", "/admin/keys", { project_id: projectA, name: "made-by-a" });
    expect(created.status).toBe(201);
    expect(created.json.key).toMatch(/^sk-swy-/);
    const foreign = await as(adminA, "POST", "/admin/keys", { project_id: projectB });
    expect(foreign.status).toBe(404);
    expect(foreign.json.error.message).not.toContain("roles-b");

    const keysB = await fx.admin("GET", `/admin/keys?project_id=${projectB}`);
    const keyB = keysB.json.data[0].id as string;
    expect((await as(adminA, "GET", `/admin/keys/${keyB}`)).status).toBe(404);
    expect((await as(adminA, "DELETE", `/admin/keys/${keyB}`)).status).toBe(404);
    expect((await as(memberB, "GET", "/v1/models")).status).toBe(200);

    // Global things stay with the master key.
    expect((await as(adminA, "POST", "/admin/projects", { name: "sneaky" })).status).toBe(403);
    expect((await as(adminA, "GET", "/admin/credentials")).status).toBe(403);
    expect((await as(adminA, "GET", "/admin/routing/breakers")).status).toBe(403);
    const usage = await as(adminA, "GET", `/admin/usage?project_id=${projectB}`);
    expect(usage.status).toBe(404);
  });

  it("a viewer reads its project and changes nothing", async () => {
    expect((await as(viewerA, "GET", "/admin/keys")).status).toBe(200);
    const patch = await as(viewerA, "PATCH", `/admin/projects/${projectA}`, { name: "renamed" });
    expect(patch.status).toBe(403);
    expect(patch.json.error.message).toContain("viewer");
    expect((await fx.admin("GET", `/admin/projects/${projectA}`)).json.name).toBe("roles-a");
  });

  it("records every mutating admin call with who, what, when, before and after, secrets redacted", async () => {
    const before = Date.now();
    const key = await as(adminA, "POST", "/admin/keys", { project_id: projectA, name: "audited" });
    await as(adminA, "PATCH", `/admin/keys/${key.json.id}`, { name: "audited-renamed", rpm: 10 });
    await as(viewerA, "DELETE", `/admin/keys/${key.json.id}`);
    const deadline = Date.now() + 5_000;
    let entries: any[] = [];
    while (Date.now() < deadline) {
      entries = (await fx.admin("GET", `/admin/audit?project_id=${projectA}&limit=50`)).json.data;
      if (entries.some((entry) => entry.method === "DELETE" && entry.path === `/admin/keys/${key.json.id}`)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const mine = entries.filter((entry) => Date.parse(entry.at) >= before - 1000);
    const create = mine.find((entry) => entry.method === "POST" && entry.path === "/admin/keys");
    expect(create).toMatchObject({ status: 201, project_id: projectA, before: null });
    expect(create.after.name).toBe("audited");
    expect(create.after.key).toBe("[redacted]");
    expect(JSON.stringify(entries)).not.toContain(key.json.key);
    const patch = mine.find((entry) => entry.method === "PATCH");
    expect(patch.before).toMatchObject({ name: "audited", rpm: null });
    expect(patch.after).toMatchObject({ name: "audited-renamed", rpm: 10 });
    expect(patch.key_id).not.toBe("master");
    const refused = mine.find((entry) => entry.method === "DELETE" && entry.path === `/admin/keys/${key.json.id}`);
    expect(refused.status).toBe(403);

    // Reads are not audited, and another project's admin sees none of this project's rows.
    expect(mine.every((entry) => entry.method !== "GET")).toBe(true);
    const adminB = (await fx.admin("POST", "/admin/keys", { project_id: projectB, role: "admin" })).json.key;
    const seenByB = await as(adminB, "GET", "/admin/audit");
    expect(seenByB.json.data.every((entry: { project_id: string }) => entry.project_id === projectB)).toBe(true);
    expect((await as(adminB, "GET", `/admin/audit?project_id=${projectA}`)).status).toBe(404);
  });
});
