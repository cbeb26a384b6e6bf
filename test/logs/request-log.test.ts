import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";

/**
 * The stored request log through the real app on SQLite: opt-in per project, what left the machine
 * (masked) and what came back, streaming and not, the Anthropic edge, filters, full-text search,
 * feedback, deletion, retention and tenancy.
 */
const MASTER = "sk-master-logs";
let upstream: OpenaiEmulator;
let gateway: RunningGateway;
let projectA: string;
let projectB: string;
let projectOff: string;
let keyA: string;
let keyB: string;
let keyOff: string;
let adminA: string;
let viewerA: string;

async function as(key: string, method: "GET" | "POST" | "PUT" | "DELETE", url: string, payload?: unknown) {
  const response = await gateway.server.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: response.statusCode, json: response.body.length > 0 && response.headers["content-type"]?.toString().includes("json") ? response.json() : undefined, body: response.body, headers: response.headers };
}

async function chat(key: string, text: string, options: { stream?: boolean; model?: string; requestId?: string } = {}) {
  const response = await gateway.server.inject({
    method: "POST",
    url: "/v1/chat/completions",
    headers: { authorization: `Bearer ${key}`, ...(options.requestId && { "x-request-id": options.requestId }) },
    payload: { model: options.model ?? "chat", stream: options.stream ?? false, messages: [{ role: "system", content: "Be brief." }, { role: "user", content: text }] },
  });
  return { status: response.statusCode, requestId: String(response.headers["x-request-id"]), body: response.body };
}

beforeAll(async () => {
  upstream = await startOpenaiEmulator();
  gateway = await startGateway(
    {
      providers: { up: { type: "openai", base_url: upstream.baseURL, api_key: "none" } },
      models: { chat: { routes: [{ provider: "up", model: "gpt-4o-mini" }] }, other: { routes: [{ provider: "up", model: "gpt-4o" }] } },
      guardrails: { input: { email: "mask", us_ssn: "redact" } },
      deployments: { helpdesk: { model: "chat", system_prompt: "You answer tickets." } },
      logging: { deployments: ["helpdesk"] },
    },
    { env: { SWITCHYARD_MASTER_KEY: MASTER } },
  );
  const project = async (name: string) => (await as(MASTER, "POST", "/admin/projects", { name })).json.id as string;
  const key = async (projectId: string, role?: string) => (await as(MASTER, "POST", "/admin/keys", { project_id: projectId, ...(role && { role }) })).json.key as string;
  [projectA, projectB, projectOff] = [await project("logs-a"), await project("logs-b"), await project("logs-off")];
  [keyA, keyB, keyOff, adminA, viewerA] = [await key(projectA), await key(projectB), await key(projectOff), await key(projectA, "admin"), await key(projectA, "viewer")];
  for (const id of [projectA, projectB]) expect((await as(MASTER, "PUT", `/admin/projects/${id}/logging`, { store_requests: true })).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});

describe("request log", () => {
  it("stores nothing for a project that has not opted in", async () => {
    const call = await chat(keyOff, "Nothing of this is kept.");
    expect(call.status).toBe(200);
    expect((await as(MASTER, "GET", `/admin/logs/${call.requestId}`)).status).toBe(404);
    expect((await as(MASTER, "GET", `/admin/logs?project_id=${projectOff}`)).json.data).toEqual([]);
  });

  it("stores a non-streaming request as it left (masked) and the answer as it came back", async () => {
    const call = await chat(keyA, "Write to ada@example.com about invoice 7731; my SSN is 536-22-8451.");
    expect(call.status).toBe(200);
    expect(JSON.parse(call.body).choices[0].message.content).toContain("ada@example.com");
    const detail = await as(MASTER, "GET", `/admin/logs/${call.requestId}`);
    expect(detail.status, detail.body).toBe(200);
    const log = detail.json;
    expect(log).toMatchObject({ request_id: call.requestId, project_id: projectA, model: "chat", provider: "up", upstream_model: "gpt-4o-mini", status: "success", http_status: 200, stream: false, cache_hit: false, masked_values: 1, view: "masked", unmasked_available: false });
    const user = log.request.messages.find((message: { role: string }) => message.role === "user");
    expect(user.content).toContain("[EMAIL_1]");
    expect(user.content).toContain("[REDACTED_US_SSN]");
    expect(JSON.stringify(log)).not.toContain("ada@example.com");
    expect(JSON.stringify(log)).not.toContain("536-22-8451");
    // Exactly what the provider received and answered.
    expect(upstream.requests.at(-1)!.body.messages[1].content).toBe(user.content);
    expect(log.response.text).toBe(`You said: ${user.content}`);
    expect(log.response.finish_reason).toBe("stop");
    expect(log.input_tokens).toBeGreaterThan(0);
    expect(log.output_tokens).toBeGreaterThan(0);
    expect(log.latency_ms).toBeGreaterThanOrEqual(0);
    // The unmasked view was not allowed: asking for it gives the masked one.
    const unmasked = await as(MASTER, "GET", `/admin/logs/${call.requestId}?view=unmasked`);
    expect(unmasked.json.view).toBe("masked");
    expect(JSON.stringify(unmasked.json)).not.toContain("ada@example.com");
  });

  it("collects a streamed answer as it passes", async () => {
    const call = await chat(keyA, "Stream this sentence back to me please, word by word.", { stream: true });
    expect(call.status).toBe(200);
    expect(call.body).toContain("data: [DONE]");
    const log = (await as(MASTER, "GET", `/admin/logs/${call.requestId}`)).json;
    expect(log).toMatchObject({ stream: true, status: "success" });
    expect(log.response.text).toBe("You said: Stream this sentence back to me please, word by word.");
  });

  it("logs the Anthropic edge through the same pipeline", async () => {
    for (const stream of [false, true]) {
      const response = await gateway.server.inject({
        method: "POST",
        url: "/v1/messages",
        headers: { "x-api-key": keyA, "anthropic-version": "2023-06-01" },
        payload: { model: "chat", max_tokens: 64, stream, messages: [{ role: "user", content: `Anthropic edge ${stream ? "streamed" : "plain"} question` }] },
      });
      expect(response.statusCode, response.body).toBe(200);
      const log = (await as(MASTER, "GET", `/admin/logs/${String(response.headers["x-request-id"])}`)).json;
      expect(log).toMatchObject({ api: "anthropic", stream, status: "success" });
      expect(log.response.text).toBe(`You said: Anthropic edge ${stream ? "streamed" : "plain"} question`);
    }
  });

  it("stores a deployment named in logging.deployments whatever the project says", async () => {
    const call = await chat(keyOff, "A helpdesk ticket about the printer.", { model: "helpdesk" });
    expect(call.status).toBe(200);
    const log = (await as(MASTER, "GET", `/admin/logs/${call.requestId}`)).json;
    expect(log).toMatchObject({ model: "helpdesk", deployment: "helpdesk", routed_model: "chat", project_id: projectOff });
    expect(log.request.messages[0]).toMatchObject({ role: "system", content: "You answer tickets." });
  });

  it("records failures with their status and code", async () => {
    const call = await chat(keyA, "x", { model: "no-such-model" });
    expect(call.status).toBe(404);
    const log = (await as(MASTER, "GET", `/admin/logs/${call.requestId}`)).json;
    expect(log).toMatchObject({ status: "error", http_status: 404, error_code: "SWY_ERR_MODEL_NOT_FOUND" });
  });

  it("filters by project, key, model, status, time, and full text", async () => {
    const b = await chat(keyB, "Quarterly zebra migration report for project B.");
    const a = await chat(keyA, "Quarterly zebra census for project A.", { model: "other" });
    const list = async (query: string, key = MASTER) => (await as(key, "GET", `/admin/logs?${query}`)).json;
    expect((await list("q=zebra")).data.map((row: { request_id: string }) => row.request_id).sort()).toEqual([a.requestId, b.requestId].sort());
    expect((await list("q=zebra%20migration")).data.map((row: { request_id: string }) => row.request_id)).toEqual([b.requestId]);
    expect((await list(`q=zebra&project_id=${projectA}`)).data.map((row: { request_id: string }) => row.request_id)).toEqual([a.requestId]);
    expect((await list("model=other")).data.map((row: { request_id: string }) => row.request_id)).toEqual([a.requestId]);
    expect((await list("status=error")).data.every((row: { status: string }) => row.status === "error")).toBe(true);
    expect((await list(`from=${Date.now() + 60_000}`)).data).toEqual([]);
    // Searching never reaches the unmasked text.
    expect((await list("q=ada")).data).toEqual([]);
    // Keys: a project key is pinned to its project.
    const keyIdA = (await list(`project_id=${projectA}&limit=1`)).data[0].key_id;
    expect((await list(`key_id=${keyIdA}`)).data.every((row: { project_id: string }) => row.project_id === projectA)).toBe(true);
    // Paging.
    const first = await list(`project_id=${projectA}&limit=2`);
    expect(first.has_more).toBe(true);
    const second = await list(`project_id=${projectA}&limit=2&cursor=${first.next_cursor}`);
    expect(second.data[0].request_id).not.toBe(first.data[1].request_id);
    expect(second.data[0].created_at).toBeLessThanOrEqual(first.data[1].created_at);
  });

  it("joins feedback and filters by it", async () => {
    const good = await chat(keyA, "A rated answer about otters.");
    const bad = await chat(keyA, "A poorly rated answer about otters.");
    for (const [call, score] of [[good, 0.9], [bad, 0.2]] as const) {
      const rating = await gateway.server.inject({ method: "POST", url: "/v1/feedback", headers: { authorization: `Bearer ${keyA}` }, payload: { request_id: call.requestId, score } });
      expect(rating.statusCode, rating.body).toBe(200);
    }
    const rated = (await as(MASTER, "GET", "/admin/logs?q=otters&min_score=0.8")).json.data;
    expect(rated.map((row: { request_id: string }) => row.request_id)).toEqual([good.requestId]);
    expect(rated[0].feedback).toEqual({ score: 0.9, comment: null });
    expect((await as(MASTER, "GET", "/admin/logs?q=otters&rated=true")).json.data).toHaveLength(2);
    expect((await as(MASTER, "GET", `/admin/logs?project_id=${projectA}&rated=false`)).json.data.every((row: { feedback: unknown }) => row.feedback === null)).toBe(true);
  });

  it("keeps tenants apart: another project's request is a 404, never a hint", async () => {
    const b = await chat(keyB, "Private to project B.");
    expect((await as(adminA, "GET", `/admin/logs/${b.requestId}`)).status).toBe(404);
    expect((await as(adminA, "DELETE", `/admin/logs/${b.requestId}`)).status).toBe(404);
    expect((await as(adminA, "GET", `/admin/logs?project_id=${projectB}`)).status).toBe(404);
    expect((await as(adminA, "DELETE", `/admin/logs?project_id=${projectB}`)).status).toBe(404);
    expect((await as(adminA, "GET", "/admin/logs")).json.data.every((row: { project_id: string }) => row.project_id === projectA)).toBe(true);
    expect((await as(keyA, "GET", "/admin/logs")).status).toBe(403);
    expect((await as(viewerA, "DELETE", `/admin/logs?project_id=${projectA}`)).status).toBe(403);
    expect((await as(MASTER, "GET", `/admin/logs/${b.requestId}`)).status).toBe(200);
  });

  it("answers bad input with a 400 naming the parameter", async () => {
    for (const query of ["status=bogus", "limit=0", "from=yesterday", "min_score=2", "q=%21%21%21", "cursor=nope", "unknown=1", "from=2000&to=1000"]) {
      const response = await as(MASTER, "GET", `/admin/logs?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.json.error.message, query).toMatch(/\S/);
    }
    expect((await as(MASTER, "DELETE", "/admin/logs")).status).toBe(400);
    expect((await as(MASTER, "PUT", `/admin/projects/${projectA}/logging`, { retention_days: -1 })).status).toBe(400);
    expect((await as(MASTER, "PUT", "/admin/projects/prj_missing/logging", { store_requests: true })).status).toBe(404);
    expect((await as(viewerA, "GET", `/admin/logs/anything?view=unmasked`)).status).toBe(403);
    expect((await as(adminA, "PUT", `/admin/projects/${projectA}/logging`, { store_unmasked: true })).status).toBe(403);
  });

  it("deletes by request id and by project", async () => {
    const one = await chat(keyB, "Delete me by id.");
    expect((await as(MASTER, "DELETE", `/admin/logs/${one.requestId}`)).json).toMatchObject({ deleted: 1 });
    expect((await as(MASTER, "GET", `/admin/logs/${one.requestId}`)).status).toBe(404);
    expect((await as(MASTER, "DELETE", `/admin/logs/${one.requestId}`)).status).toBe(404);
    const gone = await as(MASTER, "DELETE", `/admin/logs?project_id=${projectB}`);
    expect(gone.json.deleted).toBeGreaterThan(0);
    expect((await as(MASTER, "GET", `/admin/logs?project_id=${projectB}`)).json.data).toEqual([]);
    expect((await as(MASTER, "GET", "/admin/logs?q=zebra")).json.data.map((row: { project_id: string }) => row.project_id)).toEqual([projectA]);
  });

  it("stores the unmasked view only once the master key allows it, for administrators", async () => {
    expect((await as(MASTER, "PUT", `/admin/projects/${projectA}/logging`, { store_unmasked: true })).json).toMatchObject({ store_requests: true, store_unmasked: true });
    const call = await chat(keyA, "Mail grace@example.org the SSN 536-22-8451 please.");
    const masked = (await as(adminA, "GET", `/admin/logs/${call.requestId}`)).json;
    expect(JSON.stringify(masked)).not.toContain("grace@example.org");
    const unmasked = (await as(adminA, "GET", `/admin/logs/${call.requestId}?view=unmasked`)).json;
    expect(unmasked.view).toBe("unmasked");
    expect(unmasked.request.messages[1].content).toContain("grace@example.org");
    expect(unmasked.response.text).toContain("grace@example.org");
    // Redacted values are never stored, in any view.
    expect(JSON.stringify(unmasked)).not.toContain("536-22-8451");
    expect(unmasked.request.messages[1].content).toContain("[REDACTED_US_SSN]");
    expect((await as(viewerA, "GET", `/admin/logs/${call.requestId}?view=unmasked`)).status).toBe(403);
    await as(MASTER, "PUT", `/admin/projects/${projectA}/logging`, { store_unmasked: null });
  });

  it("sweeps rows past their project's retention", async () => {
    const call = await chat(keyA, "An old request.");
    await gateway.logs.writer.flush();
    const monthAgo = Date.now() - 40 * 86_400_000;
    await gateway.control.storage.db.updateTable("request_logs").set({ created_at: monthAgo }).where("request_id", "=", call.requestId).execute();
    expect((await as(MASTER, "PUT", `/admin/projects/${projectA}/logging`, { retention_days: 60 })).json.retention_days).toBe(60);
    expect(await gateway.logs.sweep()).toBe(0);
    await as(MASTER, "PUT", `/admin/projects/${projectA}/logging`, { retention_days: 7 });
    expect(await gateway.logs.sweep()).toBe(1);
    expect((await as(MASTER, "GET", `/admin/logs/${call.requestId}`)).status).toBe(404);
    expect((await as(MASTER, "GET", `/admin/logs?project_id=${projectA}`)).json.data.length).toBeGreaterThan(0);
  });

});

describe("request log durability", () => {
  it("writes every journaled row on a clean shutdown, though the flush timer never ran", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "swy-logs-durable-"));
    const config = {
      server: { data_dir: dataDir },
      providers: { up: { type: "openai", base_url: upstream.baseURL, api_key: "none" } },
      models: { chat: { routes: [{ provider: "up", model: "gpt-4o-mini" }] } },
      logging: { store_requests: true, flush_ms: 3_600_000 },
    };
    try {
      const first = await startGateway(config);
      const ids: string[] = [];
      for (let index = 0; index < 3; index++) {
        // Over the socket, where the pass-through fast path would take it if the log stored nothing.
        const response = await fetch(`${first.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "chat", messages: [{ role: "user", content: `durable ${index}` }] }) });
        expect(response.status).toBe(200);
        await response.text();
        ids.push(String(response.headers.get("x-request-id")));
      }
      // The pass-through fast path stands in for the log only where it would store nothing.
      expect(first.fastChat?.served ?? 0).toBe(0);
      expect(readdirSync(join(dataDir, "request-log-journal")).filter((name) => name.endsWith(".jsonl"))).toHaveLength(1);
      expect(await first.control.storage.db.selectFrom("request_logs").select("request_id").execute()).toEqual([]);
      await first.close();
      expect(readdirSync(join(dataDir, "request-log-journal"))).toEqual([]);
      const second = await startGateway({ ...config, logging: { store_requests: false } });
      try {
        const rows = await second.control.storage.db.selectFrom("request_logs").select("request_id").execute();
        expect(rows.map((row) => row.request_id).sort()).toEqual(ids.sort());
        // With nothing to store, the fast path answers and nothing more is logged.
        const response = await fetch(`${second.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "chat", messages: [{ role: "user", content: "not kept" }] }) });
        expect(response.status).toBe(200);
        await response.text();
        expect(second.fastChat?.served).toBe(1);
        await second.logs.writer.flush();
        expect(await second.control.storage.db.selectFrom("request_logs").select("request_id").execute()).toHaveLength(3);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
