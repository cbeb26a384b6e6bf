import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { createLogger } from "../../src/observability/logger.js";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";

/**
 * A project-wide sweep: every route the server registers (found from the router itself, so new
 * routes are covered without touching this file) gets a battery of malformed requests. None may
 * answer 5xx, every error must be in its API's own wire format, and the process must keep serving.
 */
const MASTER = "sk-master-sweep";

interface Route {
  method: string;
  url: string;
}

/** Reads `printRoutes({ commonPrefix: false })`'s tree back into full paths, one per method. */
function routesOf(app: App): Route[] {
  const tree = app.server.printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const routes: Route[] = [];
  for (const line of tree.split("\n")) {
    const match = /^([│ ├└─]*?)(?:[├└]── )(\S+)(?: \(([^)]*)\))?$/.exec(line.replace(/\s+$/, ""));
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const parent = depth === 0 ? "" : stack[depth - 1]!;
    let path = parent + (parent.endsWith("/") || match[2]!.startsWith("/") ? "" : "/") + match[2]!;
    if (depth === 0) path = match[2]!;
    stack[depth] = path;
    stack.length = depth + 1;
    for (const method of (match[3] ?? "").split(",").map((each) => each.trim())) {
      if (method && method !== "HEAD") routes.push({ method, url: path });
    }
  }
  return routes;
}

const formatOf = (url: string): "openai" | "anthropic" => (url.startsWith("/v1/messages") ? "anthropic" : "openai");

/** Asserts a response is never a 5xx and that an error is in the path's wire format. */
function checkResponse(label: string, url: string, response: { statusCode: number; body: string; headers: Record<string, unknown> }): void {
  const where = `${label}: ${response.statusCode} ${response.body.slice(0, 300)}`;
  expect(response.statusCode, where).toBeLessThan(500);
  if (response.statusCode < 400) return;
  if (url.startsWith("/v1/") || url.startsWith("/admin/")) {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(response.body) as Record<string, unknown>;
    } catch {
      throw new Error(`${where}: error body is not JSON`);
    }
    const error = body.error as Record<string, unknown> | undefined;
    expect(error, where).toBeTypeOf("object");
    expect(error!.message, where).toBeTypeOf("string");
    expect(error!.type, where).toBeTypeOf("string");
    if (formatOf(url) === "anthropic") {
      expect(body.type, where).toBe("error");
    } else {
      expect("param" in error!, where).toBe(true);
      expect(error!.code, where).toBeTypeOf("string");
    }
  }
}

const LONG = "x".repeat(20_000);
const UNICODE = "名前 ✓ \u0000 \uD83D\uDE00 \u202E";
const BAD_IDS = ["xyz", "..%2F..%2F..%2Fetc%2Fpasswd", "..", "%00", encodeURIComponent(UNICODE), "a".repeat(3000), "-1", "9".repeat(40)];

/** Bodies that are wrong in shape for any JSON route. */
const WRONG_TYPES = {
  model: 123,
  messages: "hi",
  prompt: { a: 1 },
  input: 7,
  name: 42,
  project_id: [],
  embedding_model: false,
  text: 5,
  file_id: {},
  query: 9,
  purpose: 1,
  training_file: 1,
  value: 3,
  spec: "x",
  max_tokens: "many",
  metadata: "x",
  budget: "lots",
  limits: 3,
  models: "all",
};
const HUGE = { model: "chat", messages: [{ role: "user", content: "hi" }], max_tokens: 1e308, temperature: 1e308, top_k: 1e308, budget_usd: 1e308, limit: 1e308, rpm: 1e308, n: 1e308, chunk_tokens: 1e308 };
const NEGATIVE = { model: "chat", messages: [{ role: "user", content: "hi" }], max_tokens: -5, temperature: -1, top_k: -3, budget_usd: -10, rpm: -1, n: -1, chunk_tokens: -1, name: "neg" };
const STRINGS = { model: LONG, name: LONG, text: UNICODE, query: LONG, embedding_model: UNICODE, prompt: UNICODE, input: LONG, messages: [{ role: "user", content: UNICODE }] };
const TRAVERSAL = { model: "../../etc/passwd", name: "../../etc/passwd", file_id: "../../etc/passwd", training_file: "../../../etc/passwd", project_id: "../x" };

const JSON_BODIES: Array<[string, string, string]> = [
  ["invalid JSON", "{not json", "application/json"],
  ["a JSON array", "[1,2]", "application/json"],
  ["a JSON string", '"hello"', "application/json"],
  ["JSON null", "null", "application/json"],
  ["a JSON number", "12", "application/json"],
  ["an empty body", "", "application/json"],
  ["plain text", "hello", "text/plain"],
  ["an unknown content type", "a=b", "application/x-www-form-urlencoded"],
  ["an empty object", "{}", "application/json"],
  ["wrong field types", JSON.stringify(WRONG_TYPES), "application/json"],
  ["huge numbers", JSON.stringify(HUGE), "application/json"],
  ["negative numbers", JSON.stringify(NEGATIVE), "application/json"],
  ["long and unicode strings", JSON.stringify(STRINGS), "application/json"],
  ["path traversal strings", JSON.stringify(TRAVERSAL), "application/json"],
  ["deep nesting", "[".repeat(5000) + "]".repeat(5000), "application/json"],
];

const BAD_QUERIES = ["?limit=-1", "?limit=abc&after=xyz", "?limit=99999999999999999999", `?after=${encodeURIComponent("../../x")}&order=sideways`, `?since=notadate&until=${encodeURIComponent(UNICODE)}&project_id=nope`, "?group_by=nothing&from=-1&to=1e400"];

function multipart(parts: Array<{ name: string; value: string; filename?: string }>): { payload: string; contentType: string } {
  const boundary = "----sweepboundary";
  const payload =
    parts
      .map((part) => `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ""}\r\n\r\n${part.value}\r\n`)
      .join("") + `--${boundary}--\r\n`;
  return { payload, contentType: `multipart/form-data; boundary=${boundary}` };
}

const MULTIPART_BODIES: Array<[string, () => { payload: string; contentType: string }]> = [
  ["multipart without a file part", () => multipart([{ name: "purpose", value: "fine-tune" }])],
  ["multipart with an empty file", () => multipart([{ name: "purpose", value: "fine-tune" }, { name: "file", value: "", filename: "a.jsonl" }])],
  ["multipart with a bad purpose", () => multipart([{ name: "purpose", value: LONG }, { name: "file", value: "{}", filename: "../../etc/passwd" }])],
  ["multipart with a garbage file", () => multipart([{ name: "purpose", value: "fine-tune" }, { name: "file", value: "not jsonl\n{", filename: "x.jsonl" }])],
  ["a truncated multipart body", () => ({ payload: "--b\r\nContent-Disposition: form-data; name=\"file\"", contentType: "multipart/form-data; boundary=b" })],
  ["multipart without a boundary", () => ({ payload: "x", contentType: "multipart/form-data" })],
];

describe("bad-input sweep over every route", () => {
  let app: App;
  let upstream: OpenaiEmulator;
  let dataDir: string;
  let routes: Route[];
  let virtualKey: string;
  /** Real ids, so bad bodies reach the validation behind the lookup too. */
  const real: Record<string, string> = {};

  beforeAll(async () => {
    upstream = await startOpenaiEmulator();
    dataDir = mkdtempSync(join(tmpdir(), "swy-sweep-"));
    app = await createApp({
      logger: createLogger("silent"),
      env: { SWITCHYARD_MASTER_KEY: MASTER },
      config: {
        server: { data_dir: dataDir, log_level: "silent", body_limit: 1024 * 1024 },
        providers: { up: { type: "openai", base_url: upstream.baseURL, api_key: "none" } },
        models: {
          chat: { routes: [{ provider: "up", model: "gpt-test" }] },
          embedder: { routes: [{ provider: "up", model: "text-embedding-3-small" }] },
        },
        cache: { mode: "on", backend: "memory" },
        guardrails: {
          detectors: { custom: { codename: { terms: ["Bluebird"] } } },
          input: { codename: "redact", credit_card: "block" },
          injection: { action: "score" },
        },
        fine_tuning: { openai: { base_url: upstream.baseURL, api_key: "none", provider: "up", poll_interval_ms: 60_000 } },
        deployments: { helper: { model: "chat", system_prompt: "Be brief.", parameters: { temperature: 0.1 } } },
      },
    });
    routes = routesOf(app);
    const auth = { authorization: `Bearer ${MASTER}` };
    const project = await app.server.inject({ method: "POST", url: "/admin/projects", headers: auth, payload: { name: "sweep" } });
    expect(project.statusCode, project.body).toBeLessThan(300);
    real.projects = (project.json() as { id: string }).id;
    const key = await app.server.inject({ method: "POST", url: "/admin/keys", headers: auth, payload: { project_id: real.projects } });
    expect(key.statusCode, key.body).toBeLessThan(300);
    virtualKey = (key.json() as { key: string }).key;
    real.keys = (key.json() as { id: string }).id;
    const upload = multipart([{ name: "purpose", value: "fine-tune" }, { name: "file", value: '{"messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"}]}\n', filename: "d.jsonl" }]);
    const file = await app.server.inject({ method: "POST", url: "/v1/files", headers: { ...auth, "content-type": upload.contentType }, payload: upload.payload });
    expect(file.statusCode, file.body).toBeLessThan(300);
    real.files = (file.json() as { id: string }).id;
    const base = await app.server.inject({ method: "POST", url: "/v1/knowledge_bases", headers: auth, payload: { name: "kb", embedding_model: "embedder" } });
    expect(base.statusCode, base.body).toBeLessThan(300);
    real.knowledge_bases = (base.json() as { id: string }).id;
    real.deployments = "helper";
    real.credentials = "SWEEP_CRED";
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await upstream?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** The path with each parameter replaced by `id` (and the real id of its collection, when asked). */
  const fill = (url: string, id: string, useReal: boolean): string =>
    url
      .replace(/\/([a-z_]+)\/:[A-Za-z]+/g, (_whole, collection: string) => `/${collection}/${useReal && real[collection] ? real[collection] : id}`)
      .replace(/:[A-Za-z]+/g, id)
      .replace(/\*$/, id);

  it("finds every route, including the optional sections'", () => {
    const urls = new Set(routes.map((route) => route.url));
    for (const expected of ["/v1/chat/completions", "/v1/messages", "/v1/files", "/v1/fine_tuning/jobs", "/v1/knowledge_bases/:id/search", "/admin/keys/:id", "/admin/guardrails/audit", "/admin/deployments/:name"]) {
      expect(urls, expected).toContain(expected);
    }
    for (const route of routes.filter((each) => !each.url.endsWith("*"))) {
      expect(app.server.hasRoute({ method: route.method as "GET", url: route.url }), `${route.method} ${route.url}`).toBe(true);
    }
  });

  const isProtected = (url: string) => url.startsWith("/v1/") || url.startsWith("/admin/");

  it("answers every protected route without a key with 401 in its format", async () => {
    for (const route of routes.filter((each) => isProtected(each.url))) {
      const url = fill(route.url, "xyz", false);
      const response = await app.server.inject({ method: route.method as "GET", url, headers: { "content-type": "application/json" }, payload: route.method === "GET" || route.method === "DELETE" ? undefined : "{}" });
      checkResponse(`${route.method} ${url} without a key`, url, response);
      expect(response.statusCode, `${route.method} ${url}`).toBe(401);
    }
  });

  it("refuses a virtual key on every admin route", async () => {
    for (const route of routes.filter((each) => each.url.startsWith("/admin/"))) {
      const url = fill(route.url, "xyz", false);
      const response = await app.server.inject({ method: route.method as "GET", url, headers: { authorization: `Bearer ${virtualKey}`, "content-type": "application/json" }, payload: route.method === "GET" || route.method === "DELETE" ? undefined : "{}" });
      checkResponse(`${route.method} ${url} with a virtual key`, url, response);
      expect([401, 403], `${route.method} ${url}: ${response.body}`).toContain(response.statusCode);
    }
  });

  for (const who of ["master", "virtual"] as const) {
    it(`never answers 5xx to malformed requests (${who} key)`, async () => {
      const key = who === "master" ? MASTER : virtualKey;
      const auth = { authorization: `Bearer ${key}` };
      const targets = routes.filter((route) => (who === "master" ? true : !route.url.startsWith("/admin/")));
      const failures = new Set<string>();
      let route: Route = { method: "", url: "" };
      const send = async (label: string, method: string, url: string, payload: string | undefined, contentType?: string) => {
        const response = await app.server.inject({ method: method as "GET", url, headers: { ...auth, ...(contentType ? { "content-type": contentType } : {}) }, payload });
        try {
          checkResponse(`${label}: ${method} ${route.url}`, url, response);
        } catch (error) {
          failures.add((error as Error).message.split("\n")[0]!.slice(0, 400));
        }
      };
      // Destructive calls go last so the real ids stay valid for everything else.
      const ordered = [...targets.filter((route) => route.method !== "DELETE"), ...targets.filter((route) => route.method === "DELETE")];
      for (route of ordered) {
        const ids = route.url.includes(":") || route.url.endsWith("*") ? BAD_IDS : ["xyz"];
        const urls = [...ids.map((id) => fill(route.url, id, false)), ...(route.method === "DELETE" ? [] : [fill(route.url, "xyz", true)])];
        for (const url of new Set(urls)) {
          if (route.method === "GET" || route.method === "DELETE") {
            await send("bad id", route.method, url, undefined);
            for (const query of BAD_QUERIES) await send("bad query", route.method, url + query, undefined);
            continue;
          }
          for (const [label, payload, contentType] of JSON_BODIES) await send(label, route.method, url, payload, contentType);
          for (const [label, build] of MULTIPART_BODIES) {
            const body = build();
            await send(label, route.method, url, body.payload, body.contentType);
          }
        }
      }
      expect([...failures]).toEqual([]);
    }, 300_000);
  }

  it("answers a method a path does not take with 4xx in the path's format", async () => {
    const failures = new Set<string>();
    for (const url of new Set(routes.map((route) => route.url))) {
      const taken = new Set(routes.filter((route) => route.url === url).map((route) => route.method));
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"].filter((each) => !taken.has(each))) {
        const filled = fill(url, "xyz", false);
        const response = await app.server.inject({ method: method as "GET", url: filled, headers: { authorization: `Bearer ${MASTER}`, "content-type": "application/json" }, payload: method === "GET" ? undefined : "{}" });
        try {
          checkResponse(`${method} ${url}`, filled, response);
        } catch (error) {
          failures.add((error as Error).message.split("\n")[0]!.slice(0, 400));
        }
      }
    }
    expect([...failures]).toEqual([]);
  });

  it("never answers 5xx to bad x-switchyard-* request headers", async () => {
    const failures = new Set<string>();
    const names = ["x-switchyard-cache", "x-switchyard-variables", "x-switchyard-knowledge-base", "x-switchyard-route-threshold", "x-request-id"];
    const values = ["", "xyz", "on", "{not json", "[1,2]", "null", '{"x":{"y":1}}', "-1", "NaN", "1e400", "9".repeat(400), "../../etc/passwd", "a".repeat(8000)];
    const targets: Array<[string, Record<string, unknown>]> = [
      ["/v1/chat/completions", { model: "helper", messages: [{ role: "user", content: "hi" }] }],
      ["/v1/chat/completions", { model: "chat", stream: true, messages: [{ role: "user", content: "hi" }] }],
      ["/v1/messages", { model: "helper", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }],
      ["/v1/embeddings", { model: "embedder", input: "hi" }],
    ];
    for (const [url, body] of targets) {
      for (const name of names) {
        for (const value of values) {
          const response = await app.server.inject({ method: "POST", url, headers: { authorization: `Bearer ${MASTER}`, "content-type": "application/json", [name]: value }, payload: JSON.stringify(body) });
          try {
            checkResponse(`${name}: ${value.slice(0, 40)} on ${url}`, url, response);
          } catch (error) {
            failures.add((error as Error).message.split("\n")[0]!.slice(0, 400));
          }
        }
      }
    }
    expect([...failures]).toEqual([]);
  });

  it("never answers 5xx to binary, blank or long uploads used as knowledge documents", async () => {
    const auth = { authorization: `Bearer ${MASTER}` };
    let tried = 0;
    for (const [name, content] of [["bin.dat", "\u0000\u00ff\u00fe\u0001binary"], ["empty.txt", " "], ["long.txt", "y".repeat(30_000)]] as const) {
      const upload = multipart([{ name: "purpose", value: "assistants" }, { name: "file", value: content, filename: name }]);
      const file = await app.server.inject({ method: "POST", url: "/v1/files", headers: { ...auth, "content-type": upload.contentType }, payload: upload.payload });
      checkResponse(`upload ${name}`, "/v1/files", file);
      if (file.statusCode >= 300) continue;
      const url = `/v1/knowledge_bases/${real.knowledge_bases}/documents`;
      const added = await app.server.inject({ method: "POST", url, headers: auth, payload: { file_id: (file.json() as { id: string }).id } });
      checkResponse(`document from ${name}`, url, added);
      tried += 1;
    }
    expect(tried).toBeGreaterThan(0);
  });

  /** A valid body per route; each field (three levels deep) is then replaced by wrong values or removed. */
  const validBodies = (): Record<string, Record<string, unknown>> => ({
    "POST /v1/chat/completions": { model: "chat", messages: [{ role: "user", content: "hi" }], max_tokens: 5, temperature: 0.5, tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }] },
    "POST /v1/completions": { model: "chat", prompt: "hi", max_tokens: 5 },
    "POST /v1/embeddings": { model: "embedder", input: ["hi"] },
    "POST /v1/messages": { model: "chat", max_tokens: 5, system: "s", messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }] },
    "POST /v1/chat/completions (stream)": { model: "chat", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "hi" }] },
    "POST /v1/messages (stream)": { model: "chat", max_tokens: 5, stream: true, messages: [{ role: "user", content: "hi" }] },
    "POST /v1/messages/count_tokens": { model: "chat", messages: [{ role: "user", content: "hi" }] },
    "POST /v1/responses": {
      model: "chat",
      instructions: "s",
      input: [{ role: "user", content: [{ type: "input_text", text: "hi" }] }, { type: "function_call_output", call_id: "c", output: "o" }],
      max_output_tokens: 5,
      tools: [{ type: "function", name: "f", parameters: { type: "object" } }],
      text: { format: { type: "json_schema", name: "x", schema: { type: "object" } } },
    },
    "POST /v1/responses (stream)": { model: "chat", stream: true, input: "hi", reasoning: { effort: "low", summary: "auto" }, previous_response_id: "resp_x" },
    "POST /v1/fine_tuning/jobs": { model: "gpt-4o-mini", training_file: real.files!, hyperparameters: { n_epochs: 1 }, suffix: "s" },
    "POST /v1/knowledge_bases": { name: "kb2", embedding_model: "embedder", chunk_tokens: 100 },
    "POST /v1/knowledge_bases/:id/documents": { text: "hello world", name: "d", metadata: { a: "b" } },
    "POST /v1/knowledge_bases/:id/search": { query: "hello", top_k: 2 },
    "POST /admin/projects": { name: "p", budgets: { daily_usd: 1 }, rpm: 10, metadata: { a: 1 } },
    "PATCH /admin/projects/:id": { name: "p2", budgets: { monthly_usd: 5 } },
    "POST /admin/keys": { project_id: real.projects!, name: "k", models: ["chat"], max_parallel: 2, tags: ["t"], expires_at: 4_000_000_000 },
    "PATCH /admin/keys/:id": { name: "k2", models: ["chat"], expires_at: "2099-01-01T00:00:00Z" },
    "PUT /admin/credentials/:name": { provider: "up", value: "secret" },
    "PUT /admin/deployments/:name": { model: "chat", system_prompt: "Hi {{x}}", variables: { x: "y" }, parameters: { temperature: 0.2 } },
    "POST /admin/deployments/:name/rollback": { version: 1 },
  });
  const WRONG_VALUES: unknown[] = [null, 0, -1, 1.5, 1e308, "", LONG, UNICODE, "../../etc/passwd", [], {}, true, [null], { a: { b: [1] } }];

  /** Every body obtained by replacing or deleting one value at most three levels deep. */
  function mutations(body: unknown, depth = 0): unknown[] {
    if (depth >= 3 || body === null || typeof body !== "object") return [];
    const out: unknown[] = [];
    const entries = Array.isArray(body) ? body.map((value, index) => [index, value] as const) : Object.entries(body);
    for (const [key, value] of entries) {
      const replaced = (next: unknown) => (Array.isArray(body) ? body.map((each, index) => (index === key ? next : each)) : { ...body, [key]: next });
      for (const wrong of WRONG_VALUES) out.push(replaced(wrong));
      if (!Array.isArray(body)) {
        const { [key as string]: _removed, ...rest } = body as Record<string, unknown>;
        out.push(rest);
      }
      for (const deeper of mutations(value, depth + 1)) out.push(replaced(deeper));
    }
    return out;
  }

  it("never answers 5xx to a valid body with one field made wrong", async () => {
    const auth = { authorization: `Bearer ${MASTER}` };
    const project = await app.server.inject({ method: "POST", url: "/admin/projects", headers: auth, payload: { name: "mutated" } });
    const key = await app.server.inject({ method: "POST", url: "/admin/keys", headers: auth, payload: { project_id: (project.json() as { id: string }).id } });
    // The mutated project and key are throwaways, so the rest of the sweep keeps working ids.
    const ids: Record<string, string> = { ...real, projects: (project.json() as { id: string }).id, keys: (key.json() as { id: string }).id };
    const failures = new Set<string>();
    let covered = 0;
    for (const [route, body] of Object.entries(validBodies())) {
      const [method, pattern] = route.split(" ") as [string, string];
      if (!routes.some((each) => each.method === method && each.url === pattern)) continue;
      covered += 1;
      const url = pattern.replace(/\/([a-z_]+)\/:[A-Za-z]+/g, (_whole, collection: string) => `/${collection}/${ids[collection] ?? "xyz"}`);
      for (const mutated of [body, ...mutations(body)]) {
        const response = await app.server.inject({ method: method as "POST", url, headers: { ...auth, "content-type": "application/json" }, payload: JSON.stringify(mutated) });
        try {
          checkResponse(`${route} with ${JSON.stringify(mutated).slice(0, 200)}`, url, response);
        } catch (error) {
          failures.add((error as Error).message.split("\n")[0]!.slice(0, 600));
        }
      }
    }
    expect(covered).toBeGreaterThan(10);
    expect([...failures]).toEqual([]);
  }, 300_000);

  it("still serves after the sweep", async () => {
    const health = await app.server.inject({ method: "GET", url: "/health" });
    expect(health.statusCode).toBe(200);
    const chat = await app.server.inject({ method: "POST", url: "/v1/chat/completions", headers: { authorization: `Bearer ${MASTER}` }, payload: { model: "chat", messages: [{ role: "user", content: "hi" }] } });
    expect(chat.statusCode, chat.body).toBe(200);
  });
});
