/**
 * Two projects on one gateway: for every stored resource and every verb, project B's key gets the
 * same 404 a missing id gets (never a hint that A's thing exists), and the catalog B sees lists
 * only what B may call. Each row fails if the resource stops filtering by project.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI, { toFile } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { trainRouter } from "../../src/routing/auto/train.js";
import { chatJsonl } from "../customization/datasets.js";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startFineTuningEmulator, type FineTuningEmulator } from "../emulators/openai-fine-tuning/server.js";
import { syntheticRows } from "../routing/synthetic-data.js";

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
  let adminA: string;
  let adminB: string;
  let viewerB: string;
  let projectB: string;
  let batchA: string;
  let responseA: string;

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
    projectB = (await admin("POST", "/admin/projects", { name: "tenant-b" })).id;
    keyA = (await admin("POST", "/admin/keys", { project_id: projectA })).key;
    keyB = (await admin("POST", "/admin/keys", { project_id: projectB })).key;
    limitedB = (await admin("POST", "/admin/keys", { project_id: projectB, models: ["cheap", "cheap-bot"] })).key;
    adminA = (await admin("POST", "/admin/keys", { project_id: projectA, role: "admin" })).key;
    adminB = (await admin("POST", "/admin/keys", { project_id: projectB, role: "admin" })).key;
    viewerB = (await admin("POST", "/admin/keys", { project_id: projectB, role: "viewer" })).key;
    expect((await call(MASTER, "PUT", `/admin/projects/${projectA}/logging`, { store_requests: true })).status).toBe(200);
    expect((await call(adminA, "PUT", "/admin/deployments/a-bot", { model: "cheap", system_prompt: "You are A's bot." })).status).toBe(200);

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
    const batchInput = await a.files.create({
      file: await toFile(Buffer.from(`${JSON.stringify({ custom_id: "one", method: "POST", url: "/v1/chat/completions", body: { model: "cheap", messages: [{ role: "user", content: "batched" }] } })}\n`), "batch.jsonl"),
      purpose: "batch",
    });
    batchA = (await a.batches.create({ input_file_id: batchInput.id, endpoint: "/v1/chat/completions", completion_window: "24h" })).id;
    responseA = (await a.responses.create({ model: "cheap", input: "tenant A's stored response" })).id;
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

  it("an auto model whose tier is A's fine-tune (as a promotion makes it) serves B from a visible tier without naming A's; A is routed to it", async () => {
    // A promotion names a fine-tune as a tier by its provider/model route; a fixed threshold of 1 sends every request to the weak tier.
    const upstreamName = app.runtime.models.get(fineTuned)!.routes[0]!.model;
    const routerPath = join(dataDir, "tenancy-router.json");
    writeFileSync(routerPath, JSON.stringify(trainRouter(syntheticRows(120, 5), { strong: "strong", weak: "weak", targetStrong: 0.5, folds: 2 }).file));
    const tiers = { router: routerPath, strong: "strong", weak: `openai/${upstreamName}` };
    expect((await call(MASTER, "PUT", "/admin/models/weak-is-a", { type: "auto", auto: { ...tiers, threshold: 1 } })).status).toBe(200);
    const onlyA = { router: routerPath, strong: `openai/${upstreamName}`, weak: `openai/${upstreamName}`, threshold: 1 };
    expect((await call(MASTER, "PUT", "/admin/models/only-a", { type: "auto", auto: onlyA })).status).toBe(200);
    const chatBody = (model: string) => ({ model, messages: [{ role: "user", content: "hi" }] });
    const sentToA = () => chat.requests.filter((request) => request.body.model === upstreamName).length;

    // B's request decided for the weak tier: that tier is no candidate for B, so the strong tier serves it and says so.
    const hiddenBefore = sentToA();
    const before = chat.requests.length;
    const asB = await call(keyB, "POST", "/v1/chat/completions", chatBody("weak-is-a"));
    expect(asB.status, asB.body).toBe(200);
    expect(asB.headers.get("x-switchyard-route-decision")).toBe("strong");
    expect(chat.requests.length).toBe(before + 1);
    expect(chat.requests.at(-1)!.body.model).toBe("gpt-4o");
    expect(sentToA()).toBe(hiddenBefore);
    const answer = [asB.body, ...[...asB.headers.entries()].map(([name, value]) => `${name}: ${value}`)].join("\n");
    expect(answer).not.toContain(upstreamName);
    expect(answer).not.toContain(projectA);
    expect(answer).not.toMatch(/tenant-a|ft:/i);

    // With no tier B can see, the auto model answers B exactly like a name that does not exist.
    const noneVisible = await call(keyB, "POST", "/v1/chat/completions", chatBody("only-a"));
    const missing = await call(keyB, "POST", "/v1/chat/completions", chatBody("nobody-auto"));
    expect(noneVisible.status).toBe(404);
    const errorOf = (text: string) => (JSON.parse(text) as { error: { code: string; message: string } }).error;
    expect(errorOf(noneVisible.body)).toEqual({ ...errorOf(missing.body), message: errorOf(missing.body).message.replace("nobody-auto", "only-a") });
    expect(noneVisible.body).not.toContain(upstreamName);
    expect(sentToA()).toBe(hiddenBefore);

    // A's own fine-tune is A's to use as a tier, and the operator's.
    for (const key of [keyA, MASTER]) {
      const routed = await call(key, "POST", "/v1/chat/completions", chatBody("weak-is-a"));
      expect(routed.status, routed.body).toBe(200);
      expect(routed.headers.get("x-switchyard-route-decision")).toBe("weak");
      expect(chat.requests.at(-1)!.body.model).toBe(upstreamName);
    }
  });

  it("a promotion of A's fine-tune into a shared auto model records that its tier serves A only; B is served by the strong tier", async () => {
    const upstreamName = app.runtime.models.get(fineTuned)!.routes[0]!.model;
    const routerPath = join(dataDir, "shared-router.json");
    writeFileSync(routerPath, JSON.stringify(trainRouter(syntheticRows(120, 9), { strong: "strong", weak: "weak", targetStrong: 0.5, folds: 2 }).file));
    expect((await call(MASTER, "PUT", "/admin/models/shared-auto", { type: "auto", auto: { router: routerPath, strong: "strong", weak: "cheap" } })).status).toBe(200);
    // A's logged answers of the strong model are the held-out set (the emulator answers every model alike, so the fine-tune matches them).
    expect((await call(MASTER, "PUT", `/admin/projects/${projectA}/logging`, { store_requests: true })).status).toBe(200);
    for (let index = 0; index < 6; index++) {
      expect((await call(keyA, "POST", "/v1/chat/completions", { model: "strong", messages: [{ role: "user", content: `A's question ${index}` }] })).status).toBe(200);
    }
    const created = await call(MASTER, "POST", "/admin/promotions", { project_id: projectA, candidate: fineTuned, auto_model: "shared-auto", held_out: { model: "strong", split: "all" } });
    expect(created.status, created.body).toBe(200);
    const id = JSON.parse(created.body).id as string;
    await app.promotions.service.idle();
    const promotion = JSON.parse((await call(MASTER, "GET", `/admin/promotions/${id}`)).body);
    expect(promotion.status, JSON.stringify(promotion.refusal ?? promotion.events)).toBe("promoted");
    expect(promotion.applied.auto_model).toMatchObject({ name: "shared-auto", previous_weak: "cheap", tier_projects: [projectA] });
    expect(promotion.events.find((event: { step: string }) => event.step === "applied").message).toContain(`serving project ${projectA} only`);

    // Every request of B goes to the strong tier, whatever the router scores it; the fine-tune's upstream hears none of them.
    const sentToA = () => chat.requests.filter((request) => request.body.model === upstreamName).length;
    const prompts = ["hi", "thanks", "What is 2 + 2?", "Summarise the history of the Roman Empire in three paragraphs, with dates."];
    const before = sentToA();
    for (const prompt of prompts) {
      const asB = await call(keyB, "POST", "/v1/chat/completions", { model: "shared-auto", messages: [{ role: "user", content: prompt }] });
      expect(asB.status, asB.body).toBe(200);
      expect(asB.headers.get("x-switchyard-route-decision")).toBe("strong");
      expect(chat.requests.at(-1)!.body.model).toBe("gpt-4o");
    }
    expect(sentToA()).toBe(before);
    // The same prompts from the owner: some of them the router does send to the fine-tune.
    const decisions: Array<string | null> = [];
    for (const prompt of prompts) decisions.push((await call(keyA, "POST", "/v1/chat/completions", { model: "shared-auto", messages: [{ role: "user", content: prompt }] })).headers.get("x-switchyard-route-decision"));
    expect(decisions).toContain("weak");
    expect(sentToA()).toBe(before + decisions.filter((decision) => decision === "weak").length);
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

  /** B's answer for A's thing and for a missing one: both 404, and the message names nothing of A's. */
  const expectSameAsMissing = async (key: string, method: Verb, url: string, missingUrl: string, body?: unknown) => {
    const foreign = await call(key, method, url, body);
    const missing = await call(key, method, missingUrl, body);
    expect({ method, url, status: foreign.status }).toEqual({ method, url, status: 404 });
    expect({ method, missingUrl, status: missing.status }).toEqual({ method, missingUrl, status: 404 });
    const errorOf = (text: string) => (JSON.parse(text) as { error: { code: string; message: string } }).error;
    expect(errorOf(foreign.body).code).toBe(errorOf(missing.body).code);
    expect(errorOf(foreign.body).message).not.toMatch(/tenant-a|another project|not yours|forbidden/i);
    expect(errorOf(foreign.body).message).not.toContain(projectA);
  };

  it("deployments: B's admin key gets a missing name's 404 on every verb for A's, and never changes it", async () => {
    const spec = { model: "cheap", system_prompt: "B's takeover." };
    const rows: Array<[Verb, string, unknown?]> = [
      ["GET", "/admin/deployments/a-bot"],
      ["PUT", "/admin/deployments/a-bot", spec],
      ["POST", "/admin/deployments/a-bot/rollback", {}],
      ["DELETE", "/admin/deployments/a-bot"],
    ];
    for (const [method, url, body] of rows) {
      // A PUT of a missing name creates it, so the missing-name comparison for PUT is the config file's deployment.
      const missingUrl = method === "PUT" ? "/admin/deployments/cheap-bot" : url.replace("a-bot", "nobody-bot");
      await expectSameAsMissing(adminB, method, url, missingUrl, body);
    }
    expect((await call(viewerB, "GET", "/admin/deployments/a-bot")).status).toBe(404);
    expect((await call(adminB, "GET", `/admin/deployments?project_id=${projectA}`)).status).toBe(404);
    const listedB = JSON.parse((await call(adminB, "GET", "/admin/deployments")).body) as { data: Array<{ name: string }> };
    expect(listedB.data.map((deployment) => deployment.name)).not.toContain("a-bot");

    // A's deployment is untouched: still its first version, with A's prompt.
    const own = JSON.parse((await call(adminA, "GET", "/admin/deployments/a-bot")).body) as { version: number; project_id: string; spec: { system_prompt: string } };
    expect(own).toMatchObject({ version: 1, project_id: projectA, spec: { system_prompt: "You are A's bot." } });
    const listedA = JSON.parse((await call(adminA, "GET", "/admin/deployments")).body) as { data: Array<{ name: string }> };
    expect(listedA.data.map((deployment) => deployment.name)).toEqual(["a-bot"]);
    const all = JSON.parse((await call(MASTER, "GET", "/admin/deployments")).body) as { data: Array<{ name: string; project_id: string | null }> };
    expect(all.data.find((deployment) => deployment.name === "a-bot")?.project_id).toBe(projectA);
    expect(all.data.find((deployment) => deployment.name === "cheap-bot")?.project_id).toBeNull();
  });

  it("deployments: A's admin key updates and rolls back its own; B's own is B's", async () => {
    const updated = await call(adminA, "PUT", "/admin/deployments/a-bot-2", { model: "cheap", system_prompt: "first" });
    expect(JSON.parse(updated.body)).toMatchObject({ version: 1, project_id: projectA });
    expect(JSON.parse((await call(adminA, "PUT", "/admin/deployments/a-bot-2", { model: "cheap", system_prompt: "second" })).body)).toMatchObject({ version: 2 });
    expect(JSON.parse((await call(adminA, "POST", "/admin/deployments/a-bot-2/rollback", {})).body)).toMatchObject({ version: 1, project_id: projectA });
    expect((await call(viewerB, "PUT", "/admin/deployments/b-view", { model: "cheap" })).status).toBe(403);
    const mine = await call(adminB, "PUT", "/admin/deployments/b-bot", { model: "cheap" });
    expect(JSON.parse(mine.body)).toMatchObject({ name: "b-bot", project_id: projectB });
    // B's admin asking to create for A is told A does not exist.
    expect((await call(adminB, "PUT", `/admin/deployments/b-bot-for-a?project_id=${projectA}`, { model: "cheap" })).status).toBe(404);
    expect((await call(adminA, "DELETE", "/admin/deployments/a-bot-2")).status).toBe(200);
    expect((await call(adminA, "GET", "/admin/deployments/a-bot-2")).status).toBe(404);
  });

  it("deployments: B neither sees nor calls A's by name, which answers like a missing model; A does", async () => {
    const listedB = (await client(keyB).models.list()).data.map((model) => model.id);
    expect(listedB).not.toContain("a-bot");
    expect(listedB).toContain("cheap-bot");
    expect((await client(keyA).models.list()).data.map((model) => model.id)).toContain("a-bot");
    await expectSameAsMissing(keyB, "GET", "/v1/models/a-bot", "/v1/models/nobody-bot");
    const chatBody = (model: string) => ({ model, messages: [{ role: "user", content: "hi" }] });
    const before = chat.requests.length;
    const foreign = await call(keyB, "POST", "/v1/chat/completions", chatBody("a-bot"));
    const missing = await call(keyB, "POST", "/v1/chat/completions", chatBody("nobody-bot"));
    expect(foreign.status).toBe(404);
    expect(JSON.parse(foreign.body).error.code).toBe(JSON.parse(missing.body).error.code);
    expect(JSON.parse(foreign.body).error.message.replace("a-bot", "NAME")).toBe(JSON.parse(missing.body).error.message.replace("nobody-bot", "NAME"));
    expect(foreign.headers.get("x-switchyard-deployment")).toBeNull();
    expect(chat.requests.length).toBe(before);
    const embedForeign = await call(keyB, "POST", "/v1/embeddings", { model: "a-bot", input: "hi" });
    const embedMissing = await call(keyB, "POST", "/v1/embeddings", { model: "nobody-bot", input: "hi" });
    expect(embedForeign.status).toBe(404);
    expect(JSON.parse(embedForeign.body).error.code).toBe(JSON.parse(embedMissing.body).error.code);

    const asA = await call(keyA, "POST", "/v1/chat/completions", chatBody("a-bot"));
    expect(asA.status).toBe(200);
    expect(asA.headers.get("x-switchyard-deployment")).toBe("a-bot@v1");
    // Owning a deployment does not own the model it borrows: B's provider/model shorthand still works.
    expect((await call(keyB, "POST", "/v1/chat/completions", chatBody("openai/gpt-4o-mini"))).status).toBe(200);
  });

  it("a deployment reaches only its own project's knowledge bases", async () => {
    expect((await call(adminB, "PUT", "/admin/deployments/b-reader", { model: "cheap", knowledge_base: baseId })).status).toBe(200);
    const asB = await call(keyB, "POST", "/v1/chat/completions", { model: "b-reader", messages: [{ role: "user", content: "Where does Zorblax live?" }] });
    expect(asB.status).toBe(400);
    expect(asB.body).not.toContain("forest");
    expect(asB.headers.get("x-switchyard-sources")).toBeNull();
  });

  it("logs, datasets, feedback summaries and logging settings: B's admin key gets 404 for A's", async () => {
    await app.logs.writer.flush();
    const missingProject = "prj_missing000000";
    const rows: Array<[Verb, string, string, unknown?]> = [
      ["GET", `/admin/logs/${requestA}`, "/admin/logs/req_missing000000"],
      ["DELETE", `/admin/logs/${requestA}`, "/admin/logs/req_missing000000"],
      ["GET", `/admin/logs?project_id=${projectA}`, `/admin/logs?project_id=${missingProject}`],
      ["GET", `/admin/projects/${projectA}/logging`, `/admin/projects/${missingProject}/logging`],
      ["PUT", `/admin/projects/${projectA}/logging`, `/admin/projects/${missingProject}/logging`, { store_requests: false }],
      ["POST", "/admin/datasets/from-logs", "/admin/datasets/from-logs", { project_id: projectA }],
      ["GET", `/admin/feedback/summary?project_id=${projectA}`, `/admin/feedback/summary?project_id=${missingProject}`],
    ];
    for (const [method, url, missingUrl, body] of rows) {
      const missingBody = body && typeof body === "object" && "project_id" in body ? { ...body, project_id: missingProject } : body;
      const foreign = await call(adminB, method, url, body);
      const missing = await call(adminB, method, missingUrl, missingBody);
      expect({ method, url, status: foreign.status }).toEqual({ method, url, status: 404 });
      expect(missing.status).toBe(404);
      expect(JSON.parse(foreign.body).error.message).not.toMatch(/tenant-a|another project|forbidden/i);
    }
    const listedB = JSON.parse((await call(adminB, "GET", "/admin/logs")).body) as { data: Array<{ request_id: string }> };
    expect(listedB.data.map((row) => row.request_id)).not.toContain(requestA);
    const own = await call(adminA, "GET", `/admin/logs/${requestA}`);
    expect(own.status).toBe(200);
    expect(own.body).toContain("tenant A's secret question");
  });

  it("batches and stored responses: B gets a missing id's 404 on every verb, and lists none of A's", async () => {
    await expectSameAsMissing(keyB, "GET", `/v1/batches/${batchA}`, "/v1/batches/batch_missing000000");
    await expectSameAsMissing(keyB, "POST", `/v1/batches/${batchA}/cancel`, "/v1/batches/batch_missing000000/cancel");
    const batchesB = JSON.parse((await call(keyB, "GET", "/v1/batches")).body) as { data: unknown[] };
    expect(batchesB.data).toEqual([]);
    expect((await call(keyA, "GET", `/v1/batches/${batchA}`)).status).toBe(200);

    await expectSameAsMissing(keyB, "GET", `/v1/responses/${responseA}`, "/v1/responses/resp_missing000000");
    await expectSameAsMissing(keyB, "GET", `/v1/responses/${responseA}/input_items`, "/v1/responses/resp_missing000000/input_items");
    await expectSameAsMissing(keyB, "DELETE", `/v1/responses/${responseA}`, "/v1/responses/resp_missing000000");
    const continued = await call(keyB, "POST", "/v1/responses", { model: "cheap", input: "go on", previous_response_id: responseA });
    const continuedMissing = await call(keyB, "POST", "/v1/responses", { model: "cheap", input: "go on", previous_response_id: "resp_missing000000" });
    expect(continued.status).toBe(404);
    expect(continuedMissing.status).toBe(404);
    expect(continued.body).not.toContain("tenant A's stored response");
    expect((await call(keyA, "GET", `/v1/responses/${responseA}`)).status).toBe(200);
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
