import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MASTER, startControlFixture, type ControlFixture } from "./control-fixture.js";

describe("admin API and virtual keys", () => {
  let fx: ControlFixture;

  beforeAll(async () => {
    fx = await startControlFixture();
  });
  afterAll(async () => {
    await fx?.close();
  });

  it("answers only the master key", async () => {
    const none = await fx.gateway.server.inject({ method: "GET", url: "/admin/projects" });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe("SWY_ERR_UNAUTHORIZED");
    const project = await fx.admin("POST", "/admin/projects", { name: "p-auth" });
    const key = await fx.admin("POST", "/admin/keys", { project_id: project.json.id });
    const withKey = await fx.gateway.server.inject({ method: "GET", url: "/admin/projects", headers: { authorization: `Bearer ${key.json.key}` } });
    expect(withKey.statusCode).toBe(403);
    expect(withKey.json().error.code).toBe("SWY_ERR_FORBIDDEN");
  });

  it("rejects bad input with a 4xx naming the field", async () => {
    const cases: Array<[string, string, unknown, number, string | null]> = [
      ["POST", "/admin/projects", {}, 400, "name"],
      ["POST", "/admin/projects", { name: "x", budgets: { daily_usd: -1 } }, 400, "budgets.daily_usd"],
      ["POST", "/admin/projects", { name: "x", rpm: 1.5 }, 400, "rpm"],
      ["POST", "/admin/projects", { name: "x", colour: "red" }, 400, null],
      ["POST", "/admin/keys", { project_id: "prj_missing" }, 400, "project_id"],
      ["POST", "/admin/keys", { project_id: "p", models: "gpt-4o" }, 400, "models"],
      ["POST", "/admin/keys", { project_id: "p", expires_at: "tomorrow" }, 400, "expires_at"],
      ["PATCH", "/admin/keys/key_nope", { name: "n" }, 404, null],
      ["GET", "/admin/projects/prj_nope", undefined, 404, null],
      ["PUT", "/admin/credentials/lower-case", { provider: "openai", value: "v" }, 400, "name"],
      ["PUT", "/admin/credentials/SWITCHYARD_MASTER_KEY", { provider: "openai", value: "v" }, 400, "name"],
      ["PUT", "/admin/credentials/OPENAI_API_KEY", { provider: "openai" }, 400, "value"],
      ["GET", "/admin/usage?group_by=colour", undefined, 400, "group_by"],
      ["GET", "/admin/usage?from=yesterday", undefined, 400, "from"],
    ];
    for (const [method, url, body, status, param] of cases) {
      const response = await fx.admin(method as "POST", url, body);
      expect({ url, body, status: response.status }).toEqual({ url, body, status });
      expect(response.json.error.type).toBe(status === 404 ? "invalid_request_error" : "invalid_request_error");
      expect(response.json.error.message.length).toBeGreaterThan(5);
      if (param !== null) expect(response.json.error.param).toBe(param);
    }
    const invalidJson = await fx.gateway.server.inject({
      method: "POST",
      url: "/admin/projects",
      headers: { authorization: `Bearer ${MASTER}`, "content-type": "application/json" },
      payload: "{not json",
    });
    expect(invalidJson.statusCode).toBe(400);
    expect(invalidJson.json().error.code).toBe("SWY_ERR_INVALID_JSON");
    await fx.admin("POST", "/admin/projects", { name: "dup" });
    const duplicate = await fx.admin("POST", "/admin/projects", { name: "dup" });
    expect(duplicate.status).toBe(409);
    expect(duplicate.json.error.message).toContain("dup");
  });

  it("shows a key's secret once, stores it hashed, enforces its allow-list, and revokes it", async () => {
    const project = await fx.admin("POST", "/admin/projects", { name: "p-keys", budgets: { monthly_usd: 100 }, metadata: { team: "search" } });
    expect(project.status).toBe(201);
    expect(project.json.budgets).toEqual({ daily_usd: null, weekly_usd: null, monthly_usd: 100 });
    const created = await fx.admin("POST", "/admin/keys", { project_id: project.json.id, name: "ci", models: ["cheap"], tags: ["ci"], metadata: { owner: "ana" } });
    expect(created.status).toBe(201);
    const secret: string = created.json.key;
    expect(secret).toMatch(/^sk-swy-[0-9A-Za-z]{40}$/);
    expect(created.json.prefix).toBe(secret.slice(0, 13));

    const fetched = await fx.admin("GET", `/admin/keys/${created.json.id}`);
    expect(fetched.json.key).toBeUndefined();
    expect(JSON.stringify(fetched.json)).not.toContain(secret);
    const stored = await fx.gateway.control.storage.db.selectFrom("virtual_keys").selectAll().where("id", "=", created.json.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(secret);

    const allowed = await fx.chat(secret, { model: "cheap" });
    expect(allowed.status).toBe(200);
    const denied = await fx.chat(secret, { model: "gpt-4o" });
    expect(denied.status).toBe(403);
    expect(denied.json.error.param).toBe("model");

    const listed = await fx.admin("GET", `/admin/keys?project_id=${project.json.id}`);
    expect(listed.json.data.map((key: { id: string }) => key.id)).toEqual([created.json.id]);

    const revoked = await fx.admin("DELETE", `/admin/keys/${created.json.id}`);
    expect(revoked.json.revoked_at).toBeTypeOf("number");
    const after = await fx.chat(secret, { model: "cheap" });
    expect(after.status).toBe(401);
    expect(after.json.error.message).toContain("revoked");
    const wrong = await fx.chat("sk-swy-0000000000000000000000000000000000000000");
    expect(wrong.status).toBe(401);
  });

  it("encrypts provider credentials at rest and never returns their values", async () => {
    const value = "sk-live-very-secret-value";
    const put = await fx.admin("PUT", "/admin/credentials/MISTRAL_API_KEY", { provider: "mistral", value });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ name: "MISTRAL_API_KEY", provider: "mistral", reference: "env:MISTRAL_API_KEY" });
    const list = await fx.admin("GET", "/admin/credentials");
    expect(JSON.stringify(list.json)).not.toContain(value);
    const row = await fx.gateway.control.storage.db.selectFrom("provider_credentials").selectAll().executeTakeFirstOrThrow();
    expect(row.ciphertext).not.toContain(value);
    expect(Buffer.from(row.ciphertext, "base64").toString("latin1")).not.toContain(value);
    expect(await fx.gateway.control.credentialEnvironment()).toEqual({ MISTRAL_API_KEY: value });
    expect((await fx.admin("DELETE", "/admin/credentials/MISTRAL_API_KEY")).status).toBe(200);
    expect((await fx.admin("DELETE", "/admin/credentials/MISTRAL_API_KEY")).status).toBe(404);
  });
});
