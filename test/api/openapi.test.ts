import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { legacyCompletionsProvider, startLegacyCompletionsEmulator, type LegacyCompletionsEmulator } from "../guardrails/legacy-completions.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";

const MASTER = "openapi-master";

interface OpenApiDocument {
  openapi: string;
  paths: Record<
    string,
    Record<string, { requestBody?: { content: Record<string, { schema: { $ref: string } }> }; responses: Record<string, { content?: Record<string, { schema?: unknown; "x-switchyard-event"?: unknown }> }> }>
  >;
  components: { schemas: Record<string, unknown> };
}

/** Routes as Fastify registered them, read from its route tree (methods other than HEAD). */
function registeredRoutes(tree: string): Set<string> {
  const routes = new Set<string>();
  const stack: string[] = [];
  for (const line of tree.split("\n")) {
    const match = /^([│ ├└─]*?)(?:[├└]── )?(\S+) \(([A-Z, ]+)\)$/.exec(line.replace(/\s+$/, ""));
    if (!match) continue;
    const depth = Math.floor(match[1]!.length / 4);
    const segment = match[2]!;
    stack.length = depth;
    const parent = stack.at(-1) ?? "";
    const path = depth === 0 ? segment : `${parent}${parent.endsWith("/") || segment.startsWith("/") ? "" : "/"}${segment}`;
    stack.push(path);
    for (const method of match[3]!.split(", ")) if (method !== "HEAD") routes.add(`${method} ${path}`);
  }
  return routes;
}

describe("GET /openapi.json", () => {
  let emulator: OpenaiEmulator;
  let legacy: LegacyCompletionsEmulator;
  let gateway: RunningGateway;
  let document: OpenApiDocument;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const validators = new Map<string, ValidateFunction>();

  const validator = (reference: string) => {
    let validate = validators.get(reference);
    if (!validate) {
      validate = ajv.compile({ $ref: `openapi.json${reference}` });
      validators.set(reference, validate);
    }
    return validate;
  };

  /** The documented request schema accepts what the handler accepted, and refuses what it refused. */
  const requestConforms = (method: string, path: string, body: unknown, accepted: boolean) => {
    const schema = document.paths[path]?.[method]?.requestBody?.content["application/json"]?.schema;
    expect(schema, `${method} ${path} documents its body`).toBeDefined();
    const validate = validator(schema!.$ref);
    expect(validate(body), `${method} ${path} body ${JSON.stringify(body)}: ${ajv.errorsText(validate.errors)}`).toBe(accepted);
  };

  /** Validates a real answer against what the document says that path, method and status return. */
  const conforms = (method: string, path: string, status: number, body: unknown, kind: "json" | "event" = "json") => {
    const operation = document.paths[path]?.[method];
    expect(operation, `${method} ${path} is documented`).toBeDefined();
    const response = operation!.responses[String(status)] ?? operation!.responses[`${String(status)[0]}XX`];
    expect(response, `${method} ${path} documents ${status}`).toBeDefined();
    const media = kind === "json" ? response!.content?.["application/json"]?.schema : response!.content?.["text/event-stream"]?.["x-switchyard-event"];
    const reference = (media as { $ref: string }).$ref;
    const validate = validator(reference);
    if (!validate(body)) throw new Error(`${method} ${path} ${status} does not match ${reference}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 600)}`);
  };

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${gateway.url}${path}`, {
      method: method.toUpperCase(),
      headers: { authorization: `Bearer ${MASTER}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any>, headers: response.headers };
  };
  /** Calls a path and checks the answer against the document; `template` is the documented path. */
  const exercise = async (method: string, template: string, path: string, body?: unknown, expected = 200) => {
    const answer = await call(method, path, body);
    expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body).slice(0, 300)}`).toBe(expected);
    conforms(method, template, answer.status, answer.body);
    if (body !== undefined && answer.status < 300) requestConforms(method, template, body, true);
    return answer;
  };

  beforeAll(async () => {
    emulator = await startOpenaiEmulator();
    legacy = await startLegacyCompletionsEmulator();
    gateway = await startGateway(
      {
        control: { usage_flush_ms: 20 },
        providers: { up: { type: "openai", base_url: emulator.baseURL, api_key: "none" } },
        models: { chat: { routes: [{ provider: "up", model: "gpt-4o-mini" }] }, embed: { routes: [{ provider: "up", model: "text-embedding-3-small" }] } },
        guardrails: { input: { email: "mask" } },
      },
      { env: { SWITCHYARD_MASTER_KEY: MASTER } },
    );
    // Among the built-in providers only in-process models serve /v1/completions; this one reaches an HTTP upstream.
    gateway.runtime.models.register({ name: "base", routes: [{ provider: legacyCompletionsProvider("legacy", legacy.baseURL), model: "davinci-002" }], origin: "runtime" });
    const response = await fetch(`${gateway.url}/openapi.json`);
    expect(response.status).toBe(200);
    document = (await response.json()) as OpenApiDocument;
    ajv.addSchema(document, "openapi.json");
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([emulator?.close(), legacy?.close()]);
  });

  it("is an OpenAPI 3.1 document whose every schema is valid JSON Schema 2020-12", () => {
    expect(document.openapi).toBe("3.1.0");
    for (const name of Object.keys(document.components.schemas)) {
      expect(() => ajv.getSchema(`openapi.json#/components/schemas/${name}`), name).not.toThrow();
    }
  });

  it("documents every /v1 and /admin route the server has, and nothing it lacks", () => {
    const registered = [...registeredRoutes(gateway.server.printRoutes({ commonPrefix: false }))]
      .filter((route) => / \/(v1|admin)\b/.test(route) || / \/(health|metrics)$/.test(route))
      // Model ids contain slashes (`provider/model`): the route is a wildcard, documented as {id}.
      .map((route) => route.replace(/^GET \/v1\/models\/\*$/, "GET /v1/models/:id"))
      // A plugin's "/" route answers its prefix with and without the slash: one operation.
      .filter((route, _index, all) => !(route.endsWith("/") && all.includes(route.slice(0, -1))));
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{([A-Za-z_]+)\}/g, ":$1")}`),
    );
    expect(documented.sort()).toEqual(registered.sort());
  });

  it("answers the OpenAI- and Anthropic-compatible endpoints as documented", async () => {
    const chat = await exercise("post", "/v1/chat/completions", "/v1/chat/completions", { model: "chat", messages: [{ role: "user", content: "hello" }] });
    const requestId = chat.headers.get("x-request-id")!;
    const streamed = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${MASTER}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "chat", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "stream it" }] }),
    });
    const events = (await streamed.text()).split("\n").filter((line) => line.startsWith("data: ") && line !== "data: [DONE]");
    expect(events.length).toBeGreaterThan(2);
    for (const event of events) conforms("post", "/v1/chat/completions", 200, JSON.parse(event.slice(6)), "event");
    await exercise("post", "/v1/completions", "/v1/completions", { model: "base", prompt: "Once upon a time" });
    await exercise("post", "/v1/embeddings", "/v1/embeddings", { model: "embed", input: ["one", "two"] });
    await exercise("get", "/v1/models", "/v1/models");
    await exercise("get", "/v1/models/{id}", "/v1/models/chat");
    await exercise("post", "/v1/messages", "/v1/messages", { model: "chat", max_tokens: 64, messages: [{ role: "user", content: "hi" }] });
    await exercise("post", "/v1/messages/count_tokens", "/v1/messages/count_tokens", { model: "chat", messages: [{ role: "user", content: "count me" }] });
    await exercise("post", "/v1/feedback", "/v1/feedback", { request_id: requestId, score: 1 });
    await exercise("get", "/v1/usage", "/v1/usage?group_by=model");
    await exercise("get", "/v1/usage/records", "/v1/usage/records");
    const response = await exercise("post", "/v1/responses", "/v1/responses", { model: "chat", input: "hello there" });
    await exercise("get", "/v1/responses/{id}", `/v1/responses/${response.body.id}`);
    await exercise("get", "/v1/responses/{id}/input_items", `/v1/responses/${response.body.id}/input_items`);
    await exercise("delete", "/v1/responses/{id}", `/v1/responses/${response.body.id}`);
    await exercise("get", "/v1/providers", "/v1/providers");
    await exercise("get", "/health", "/health");
  });

  it("answers errors in the documented error shapes", async () => {
    await exercise("post", "/v1/chat/completions", "/v1/chat/completions", { model: "chat", messages: "not a list" }, 400);
    // What the handler's schema refuses, the documented schema refuses too.
    requestConforms("post", "/v1/chat/completions", { model: "chat", messages: "not a list" }, false);
    requestConforms("post", "/v1/embeddings", { model: "embed" }, false);
    requestConforms("post", "/admin/keys", { project_id: "p", unknown_field: 1 }, false);
    await exercise("get", "/v1/models/{id}", "/v1/models/nope", undefined, 404);
    await exercise("post", "/v1/messages", "/v1/messages", { model: "chat", messages: [] }, 400);
    const anonymous = await fetch(`${gateway.url}/v1/models`);
    conforms("get", "/v1/models", anonymous.status, await anonymous.json());
  });

  it("answers files, fine-tuning and knowledge bases as documented", async () => {
    const form = new FormData();
    form.append("purpose", "fine-tune");
    const rows = [1, 2].map((index) => JSON.stringify({ messages: [{ role: "user", content: `q${index}` }, { role: "assistant", content: `a${index}` }] }));
    form.append("file", new Blob([rows.join("\n")], { type: "application/jsonl" }), "train.jsonl");
    const uploaded = await fetch(`${gateway.url}/v1/files`, { method: "POST", headers: { authorization: `Bearer ${MASTER}` }, body: form });
    const file = (await uploaded.json()) as { id: string };
    conforms("post", "/v1/files", uploaded.status, file);
    await exercise("get", "/v1/files", "/v1/files");
    await exercise("get", "/v1/files/{id}", `/v1/files/${file.id}`);
    await exercise("get", "/v1/fine_tuning/jobs", "/v1/fine_tuning/jobs");
    await exercise("get", "/v1/batches", "/v1/batches");
    await exercise("delete", "/v1/files/{id}", `/v1/files/${file.id}`);

    const base = await exercise("post", "/v1/knowledge_bases", "/v1/knowledge_bases", { name: "docs", embedding_model: "embed" });
    await exercise("get", "/v1/knowledge_bases", "/v1/knowledge_bases");
    await exercise("get", "/v1/knowledge_bases/{id}", `/v1/knowledge_bases/${base.body.id}`);
    const document_ = await exercise("post", "/v1/knowledge_bases/{id}/documents", `/v1/knowledge_bases/${base.body.id}/documents`, { name: "a.txt", text: "Switchyard routes requests to providers." });
    await exercise("get", "/v1/knowledge_bases/{id}/documents", `/v1/knowledge_bases/${base.body.id}/documents`);
    await exercise("post", "/v1/knowledge_bases/{id}/search", `/v1/knowledge_bases/${base.body.id}/search`, { query: "routes" });
    await exercise("delete", "/v1/knowledge_bases/{id}/documents/{documentId}", `/v1/knowledge_bases/${base.body.id}/documents/${document_.body.id}`);
    await exercise("delete", "/v1/knowledge_bases/{id}", `/v1/knowledge_bases/${base.body.id}`);
  });

  it("answers the admin API as documented", async () => {
    const project = await exercise("post", "/admin/projects", "/admin/projects", { name: "docs", budgets: { daily_usd: 5 } }, 201);
    await exercise("get", "/admin/projects", "/admin/projects");
    await exercise("get", "/admin/projects/{id}", `/admin/projects/${project.body.id}`);
    await exercise("patch", "/admin/projects/{id}", `/admin/projects/${project.body.id}`, { rpm: 100 });
    const key = await exercise("post", "/admin/keys", "/admin/keys", { project_id: project.body.id, name: "k", models: ["chat"] }, 201);
    await exercise("get", "/admin/keys", "/admin/keys");
    await exercise("get", "/admin/keys/{id}", `/admin/keys/${key.body.id}`);
    await exercise("patch", "/admin/keys/{id}", `/admin/keys/${key.body.id}`, { tags: ["docs"] });
    await exercise("delete", "/admin/keys/{id}", `/admin/keys/${key.body.id}`);
    await exercise("delete", "/admin/projects/{id}", `/admin/projects/${project.body.id}`);

    await exercise("put", "/admin/credentials/{name}", "/admin/credentials/DOCS_KEY", { provider: "openai", value: "sk-docs" });
    await exercise("get", "/admin/credentials", "/admin/credentials");
    await exercise("put", "/admin/providers/{name}", "/admin/providers/docs", { type: "openai", base_url: emulator.baseURL, api_key: "env:DOCS_KEY" });
    await exercise("get", "/admin/providers", "/admin/providers");
    await exercise("get", "/admin/providers/{name}", "/admin/providers/up");
    await exercise("put", "/admin/models/{name}", "/admin/models/docs-model", { routes: [{ provider: "docs", model: "gpt-4o" }] });
    await exercise("get", "/admin/models", "/admin/models");
    await exercise("get", "/admin/models/{name}", "/admin/models/docs-model");
    await exercise("put", "/admin/models/{name}", "/admin/models/broken", { routes: [{ provider: "nowhere", model: "x" }] }, 400);
    await exercise("post", "/admin/config/reload", "/admin/config/reload");
    await exercise("delete", "/admin/models/{name}", "/admin/models/docs-model");
    await exercise("delete", "/admin/providers/{name}", "/admin/providers/docs");
    await exercise("delete", "/admin/credentials/{name}", "/admin/credentials/DOCS_KEY");

    await exercise("put", "/admin/deployments/{name}", "/admin/deployments/helper", { model: "chat", system_prompt: "Be brief." });
    await exercise("get", "/admin/deployments", "/admin/deployments");
    await exercise("get", "/admin/deployments/{name}", "/admin/deployments/helper");
    await exercise("put", "/admin/deployments/{name}", "/admin/deployments/helper", { model: "chat", system_prompt: "Be briefer." });
    await exercise("post", "/admin/deployments/{name}/rollback", "/admin/deployments/helper/rollback", {});
    await exercise("delete", "/admin/deployments/{name}", "/admin/deployments/helper");

    await exercise("get", "/admin/usage", "/admin/usage?group_by=model,day");
    await exercise("get", "/admin/usage/records", "/admin/usage/records?limit=5");
    await exercise("get", "/admin/audit", "/admin/audit");
    await exercise("get", "/admin/guardrails/audit", "/admin/guardrails/audit");
    await exercise("get", "/admin/routing/breakers", "/admin/routing/breakers");
    await exercise("get", "/admin/routers", "/admin/routers");
    await exercise("get", "/admin/feedback/summary", "/admin/feedback/summary");
    await exercise("get", "/admin/projects/{id}/logging", "/admin/projects/default/logging");
    await exercise("put", "/admin/projects/{id}/logging", "/admin/projects/default/logging", { store_requests: true, retention_days: 7 });
    await exercise("get", "/admin/logs", "/admin/logs");
  });
});
