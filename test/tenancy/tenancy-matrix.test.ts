/**
 * Two projects on one gateway: for every stored resource and every verb, project B's key gets the
 * same 404 a missing id gets (never a hint that A's thing exists), and the catalog B sees lists
 * only what B may call. Each row fails if the resource stops filtering by project.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI, { toFile } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { chatJsonl } from "../customization/datasets.js";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startFineTuningEmulator, type FineTuningEmulator } from "../emulators/openai-fine-tuning/server.js";

const MASTER = "sk-master-tenancy";
const dataset = chatJsonl([
  ["Who is Zorblax?", "A friendly dragon."],
  ["Where does Zorblax live?", "In the forest."],
]);

type Verb = "GET" | "POST" | "DELETE" | "PATCH" | "PUT";

describe("tenancy: another project's key sees 404 for every resource and verb", () => {
  let dataDir: string;
  let chat: OpenaiEmulator;
  let upstream: FineTuningEmulator;
  let app: App;
  let base: string;
  let keyA: string;
  let keyB: string;
  let limitedB: string;
  let projectA: string;
  let fineTuned: string;
  let jobId: string;
  let cancelledJob: string;
  let fileId: string;
  let baseId: string;
  let documentId: string;
  let requestA: string;

  const call = async (key: string, method: Verb, url: string, body?: unknown) => {
    const response = await fetch(`${base}${url}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text, headers: response.headers };
  };
  const admin = async (method: Verb, url: string, body?: unknown) => JSON.parse((await call(MASTER, method, url, body)).body);
  const client = (key: string) => new OpenAI({ baseURL: `${base}/v1`, apiKey: key, maxRetries: 0 });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "swy-tenancy-"));
    chat = await startOpenaiEmulator();
    upstream = await startFineTuningEmulator({ apiKey: "sk-ft" });
    app = await createApp({
      config: {
        server: { data_dir: dataDir, log_level: "silent" },
        providers: { openai: { type: "openai", base_url: chat.baseURL, api_key: "none" } },
        models: { cheap: { routes: [{ provider: "openai", model: "gpt-4o-mini" }] }, strong: { routes: [{ provider: "openai", model: "gpt-4o" }] } },
        cache: { mode: "on" },
        deployments: { "cheap-bot": { model: "strong", system_prompt: "Be brief." } },
        fine_tuning: { openai: { base_url: upstream.baseURL, api_key: "env:FT_KEY", provider: "openai", poll_interval_ms: 20 } },
      },
      env: { ...process.env, FT_KEY: "sk-ft", SWITCHYARD_MASTER_KEY: MASTER },
    });
    base = await app.server.listen({ port: 0, host: "127.0.0.1" });
    projectA = (await admin("POST", "/admin/projects", { name: "tenant-a" })).id;
    const projectB = (await admin("POST", "/admin/projects", { name: "tenant-b" })).id;
    keyA = (await admin("POST", "/admin/keys", { project_id: projectA })).key;
    keyB = (await admin("POST", "/admin/keys", { project_id: projectB })).key;
    limitedB = (await admin("POST", "/admin/keys", { project_id: projectB, models: ["cheap", "cheap-bot"] })).key;

    const a = client(keyA);
    fileId = (await a.files.create({ file: await toFile(Buffer.from(dataset), "train.jsonl"), purpose: "fine-tune" })).id;
    const job = await a.fineTuning.jobs.create({ model: "gpt-4o-mini", training_file: fileId, suffix: "tenant" });
    jobId = job.id;
    const deadline = Date.now() + 20_000;
    for (;;) {
      const current = await a.fineTuning.jobs.retrieve(jobId);
      if (current.status === "succeeded") {
        fineTuned = current.fine_tuned_model!;
        break;
      }
      if (current.status === "failed" || Date.now() > deadline) throw new Error(`fine-tuning did not finish: ${current.status}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    cancelledJob = (await a.fineTuning.jobs.create({ model: "gpt-4o-mini", training_file: fileId })).id;

    const kb = JSON.parse((await call(keyA, "POST", "/v1/knowledge_bases", { name: "handbook", embedding_model: "openai/text-embedding-3-small" })).body);
    baseId = kb.id;
    const documentResponse = await call(keyA, "POST", `/v1/knowledge_bases/${baseId}/documents`, { text: "Zorblax lives in the forest.", name: "z.txt" });
    documentId = JSON.parse(documentResponse.body).id;
    const answered = await call(keyA, "POST", "/v1/chat/completions", { model: "cheap", messages: [{ role: "user", content: "tenant A's secret question" }] });
    expect(answered.status).toBe(200);
    requestA = answered.headers.get("x-request-id")!;
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await Promise.all([chat?.close(), upstream?.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("files, jobs, events, checkpoints, cancel and knowledge bases answer B exactly like missing ids", async () => {
    const rows: Array<[Verb, string, unknown?]> = [
      ["GET", `/v1/files/${fileId}`],
      ["GET", `/v1/files/${fileId}/content`],
      ["DELETE", `/v1/files/${fileId}`],
      ["GET", `/v1/fine_tuning/jobs/${jobId}`],
      ["GET", `/v1/fine_tuning/jobs/${jobId}/events`],
      ["GET", `/v1/fine_tuning/jobs/${jobId}/checkpoints`],
      ["POST", `/v1/fine_tuning/jobs/${cancelledJob}/cancel`],
      ["GET", `/v1/knowledge_bases/${baseId}`],
      ["DELETE", `/v1/knowledge_bases/${baseId}`],
      ["GET", `/v1/knowledge_bases/${baseId}/documents`],
      ["POST", `/v1/knowledge_bases/${baseId}/documents`, { text: "B's text", name: "b.txt" }],
      ["DELETE", `/v1/knowledge_bases/${baseId}/documents/${documentId}`],
      ["POST", `/v1/knowledge_bases/${baseId}/search`, { query: "Zorblax" }],
    ];
    for (const [method, url, body] of rows) {
      const foreign = await call(keyB, method, url, body);
      const missingUrl = url.replace(/(file|ftjob|kb|doc)[-_][A-Za-z0-9]+/g, (id) => `${id.split(/[-_]/)[0]}_missing000000`);
      const missing = await call(keyB, method, missingUrl, body);
      expect({ method, url, status: foreign.status }).toEqual({ method, url, status: 404 });
      expect(missing.status).toBe(404);
      const message = (JSON.parse(foreign.body) as { error: { message: string } }).error.message;
      expect(message).not.toMatch(/tenant-a|another project|not yours|forbidden/i);
    }
    // And A still has everything, untouched by B's attempts.
    expect((await call(keyA, "GET", `/v1/files/${fileId}`)).status).toBe(200);
    expect((await call(keyA, "GET", `/v1/fine_tuning/jobs/${cancelledJob}`)).status).toBe(200);
    expect(JSON.parse((await call(keyA, "GET", `/v1/knowledge_bases/${baseId}/documents`)).body).data).toHaveLength(1);
  });

  it("lists show B none of A's files, jobs or knowledge bases", async () => {
    for (const url of ["/v1/files", "/v1/fine_tuning/jobs", "/v1/knowledge_bases"]) {
      const listed = JSON.parse((await call(keyB, "GET", url)).body) as { data: unknown[] };
      expect({ url, data: listed.data }).toEqual({ url, data: [] });
      const own = JSON.parse((await call(keyA, "GET", url)).body) as { data: unknown[] };
      expect(own.data.length).toBeGreaterThan(0);
    }
  });

  it("A's fine-tuned model is neither listed for nor callable by B, nor a base for B's jobs", async () => {
    const listedA = (await client(keyA).models.list()).data.map((model) => model.id);
    expect(listedA).toContain(fineTuned);
    const listedB = (await client(keyB).models.list()).data.map((model) => model.id);
    expect(listedB).not.toContain(fineTuned);
    expect(listedB.some((id) => id.includes(":tenant:"))).toBe(false);
    expect((await call(keyB, "GET", `/v1/models/${fineTuned}`)).status).toBe(404);

    const asB = await call(keyB, "POST", "/v1/chat/completions", { model: fineTuned, messages: [{ role: "user", content: "hi" }] });
    const unknown = await call(keyB, "POST", "/v1/chat/completions", { model: "ft:gpt-4o-mini:nobody:x:ftjob-none", messages: [{ role: "user", content: "hi" }] });
    expect(asB.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(JSON.parse(asB.body).error.code).toBe(JSON.parse(unknown.body).error.code);
    // The upstream name through the provider/model shorthand is A's too.
    const upstreamName = (app.runtime.models.get(fineTuned)!.routes[0]!).model;
    expect((await call(keyB, "POST", "/v1/chat/completions", { model: `openai/${upstreamName}`, messages: [{ role: "user", content: "hi" }] })).status).toBe(404);
    const baseForB = await call(keyB, "POST", "/v1/fine_tuning/jobs", { model: fineTuned, training_file: fileId });
    expect(baseForB.status).toBeGreaterThanOrEqual(400);
    expect(baseForB.status).toBeLessThan(500);

    const asA = await call(keyA, "POST", "/v1/chat/completions", { model: fineTuned, messages: [{ role: "user", content: "hi" }] });
    expect(asA.status).toBe(200);
    const asMaster = await call(MASTER, "POST", "/v1/chat/completions", { model: fineTuned, messages: [{ role: "user", content: "hi" }] });
    expect(asMaster.status).toBe(200);
  });

  it("the catalog a limited key sees is its allow-list, and the allow-list applies to a deployment's model", async () => {
    const listed = (await client(limitedB).models.list()).data.map((model) => model.id).sort();
    expect(listed).toEqual(["cheap", "cheap-bot"]);
    // cheap-bot maps to `strong`, which this key may not call: the deployment is no way around the list.
    const viaDeployment = await call(limitedB, "POST", "/v1/chat/completions", { model: "cheap-bot", messages: [{ role: "user", content: "hi" }] });
    expect(viaDeployment.status).toBe(403);
    const embeddings = await call(limitedB, "POST", "/v1/embeddings", { model: "cheap-bot", input: "hi" });
    expect(embeddings.status).toBe(403);
    expect((await call(limitedB, "POST", "/v1/chat/completions", { model: "cheap", messages: [{ role: "user", content: "hi" }] })).status).toBe(200);
  });

  it("feedback, usage and cached answers stay inside their project", async () => {
    const rateForeign = await call(keyB, "POST", "/v1/feedback", { request_id: requestA, score: 0 });
    const rateMissing = await call(keyB, "POST", "/v1/feedback", { request_id: "req_missing", score: 0 });
    expect(rateForeign.status).toBe(404);
    expect(rateMissing.status).toBe(404);
    expect(JSON.parse(rateForeign.body).error.message.replace(requestA, "ID")).toBe(JSON.parse(rateMissing.body).error.message.replace("req_missing", "ID"));

    await app.control.ledger.flush();
    const usage = await call(keyB, "GET", `/v1/usage?project_id=${projectA}`);
    expect(usage.status).toBe(404);
    const records = JSON.parse((await call(keyB, "GET", "/v1/usage/records")).body) as { data: Array<{ request_id: string }> };
    expect(records.data.map((record) => record.request_id)).not.toContain(requestA);

    // The same prompt from B goes upstream: A's cached answer is A's.
    const before = chat.requests.length;
    const again = await call(keyB, "POST", "/v1/chat/completions", { model: "cheap", messages: [{ role: "user", content: "tenant A's secret question" }] });
    expect(again.status).toBe(200);
    expect(again.headers.get("x-switchyard-cache")).not.toBe("hit");
    expect(chat.requests.length).toBe(before + 1);
    const hitForA = await call(keyA, "POST", "/v1/chat/completions", { model: "cheap", messages: [{ role: "user", content: "tenant A's secret question" }] });
    expect(hitForA.headers.get("x-switchyard-cache")).toBe("hit");
  });

  it("promotions: another project's admin key gets the 404 a missing id gets, and lists none of A's", async () => {
    expect((await call(MASTER, "PUT", `/admin/projects/${projectA}/logging`, { store_requests: true })).status).toBe(200);
    expect((await call(keyA, "POST", "/v1/chat/completions", { model: "strong", messages: [{ role: "user", content: "A logged question" }] })).status).toBe(200);
    const created = await call(MASTER, "POST", "/admin/promotions", { project_id: projectA, candidate: "cheap", deployment: "cheap-bot", held_out: { split: "all" } });
    expect(created.status, created.body).toBe(200);
    const id = JSON.parse(created.body).id as string;
    const adminB = (await admin("POST", "/admin/keys", { project_id: (await admin("POST", "/admin/projects", { name: "tenant-b-admin" })).id, role: "admin" })).key as string;
    for (const [method, url] of [["GET", `/admin/promotions/${id}`], ["POST", `/admin/promotions/${id}/rollback`]] as const) {
      const foreign = await call(adminB, method, url, method === "POST" ? {} : undefined);
      const missing = await call(adminB, method, url.replace(id, "prm_missing000000"), method === "POST" ? {} : undefined);
      expect(foreign.status, `${method} ${url}`).toBe(404);
      expect(JSON.parse(foreign.body).error.message.replace(id, "ID")).toBe(JSON.parse(missing.body).error.message.replace("prm_missing000000", "ID"));
    }
    expect(JSON.parse((await call(adminB, "GET", "/admin/promotions")).body).data).toEqual([]);
    expect((await call(adminB, "GET", `/admin/promotions?project_id=${projectA}`)).status).toBe(404);
    await app.promotions.service.idle();
  });
});
