/**
 * Gated promotion through the real app, on emulators: a cheaper model that answers the logged
 * task family as well as the strong one passes the gate and becomes the auto model's weak tier
 * with a retrained router (served at once, no restart); a worse one is refused with its figures and
 * changes nothing; bad input answers 4xx; low live ratings roll a promotion back automatically,
 * recorded in the admin audit log; another project's key sees 404.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trainRouter } from "../../src/routing/auto/train.js";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";
import { waitFor } from "../helpers/wait.js";
import { examples, solve } from "../e2e/flywheel/task-family.js";

const MASTER = "sk-master-promotions";
let upstream: OpenaiEmulator;
let gateway: RunningGateway;
let dataDir: string;
let project: string;
let adminKey: string;
let otherAdmin: string;
let memberKey: string;

const countWords = (text: string) => (text.match(/\S+/g) ?? []).length;

/** gpt-4o answers both families; gpt-4o-mini only the orders; babbage-002 neither. */
function reply(body: Record<string, unknown>) {
  const messages = body.messages as Array<{ role: string; content: string }>;
  const prompt = messages.filter((message) => message.role === "user").at(-1)?.content ?? "";
  const right = solve(prompt) ?? "I do not know.";
  let text = "I do not know.";
  if (body.model === "gpt-4o") text = right;
  if (body.model === "gpt-4o-mini" && /order/i.test(prompt)) text = right;
  return { text, toolCalls: [], finishReason: "stop" as const, promptTokens: countWords(prompt) + 3, completionTokens: countWords(text) };
}

async function as(key: string, method: "GET" | "POST" | "PUT", url: string, payload?: unknown) {
  const response = await gateway.server.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: response.statusCode, json: response.json(), body: response.body, headers: response.headers };
}

async function chat(key: string, model: string, prompt: string) {
  const response = await as(key, "POST", "/v1/chat/completions", { model, messages: [{ role: "user", content: prompt }] });
  expect(response.status, response.body).toBe(200);
  return { text: response.json.choices[0].message.content as string, requestId: String(response.headers["x-request-id"]), decision: response.headers["x-switchyard-route-decision"] };
}

interface Promotion {
  id: string;
  status: string;
  evaluation: { models: Array<{ model: string; role: string; quality: { mean: number }; cost_per_request_usd: number }> } | null;
  gate: { passed: boolean; checks: Array<{ name: string; passed: boolean }> } | null;
  refusal: { message: string } | null;
  applied: Record<string, unknown> | null;
  events: Array<{ step: string }>;
}

async function settled(id: string): Promise<Promotion> {
  return waitFor(
    async () => {
      const view = (await as(MASTER, "GET", `/admin/promotions/${id}`)).json as Promotion;
      return view.status === "evaluating" ? undefined : view;
    },
    60_000,
    `promotion ${id} to leave 'evaluating'`,
  );
}

const heldOut = { model: "strong", q: "order", split: "all" as const };

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "swy-promote-"));
  // A starting router: the strong model is better at sums, both are equal elsewhere.
  const seedRows = [...examples("sums", 12, 1), ...examples("orders", 12, 2)].map((example) => ({
    prompt: example.prompt,
    scores: { strong: 1, old: example.family === "sums" ? 0 : 0.5 },
  }));
  writeFileSync(join(dataDir, "router.json"), JSON.stringify(trainRouter(seedRows, { strong: "strong", weak: "old", folds: 2, seed: 1 }).file));
  upstream = await startOpenaiEmulator({ reply });
  gateway = await startGateway(
    {
      server: { data_dir: dataDir },
      providers: { up: { type: "openai", base_url: upstream.baseURL, api_key: "none" } },
      models: {
        strong: { routes: [{ provider: "up", model: "gpt-4o" }] },
        cheap: { routes: [{ provider: "up", model: "gpt-4o-mini" }] },
        old: { routes: [{ provider: "up", model: "babbage-002" }] },
        smart: { type: "auto", auto: { router: join(dataDir, "router.json"), strong: "strong", weak: "old", target_strong: 0.5, collect_samples: true } },
      },
      deployments: { desk: { model: "strong" } },
      pricing: { "up/babbage-002": { input: 0.4, output: 0.4 } },
      promotions: { monitor_ms: 100 },
    },
    { env: { SWITCHYARD_MASTER_KEY: MASTER } },
  );
  project = (await as(MASTER, "POST", "/admin/projects", { name: "promote" })).json.id;
  adminKey = (await as(MASTER, "POST", "/admin/keys", { project_id: project, role: "admin" })).json.key;
  memberKey = (await as(MASTER, "POST", "/admin/keys", { project_id: project })).json.key;
  const other = (await as(MASTER, "POST", "/admin/projects", { name: "elsewhere" })).json.id;
  otherAdmin = (await as(MASTER, "POST", "/admin/keys", { project_id: other, role: "admin" })).json.key;
  expect((await as(adminKey, "PUT", `/admin/projects/${project}/logging`, { store_requests: true })).status).toBe(200);
  // Logged traffic: the strong model answering orders (the family to hand over) and sums.
  for (const example of examples("orders", 12, 3)) expect((await chat(memberKey, "strong", example.prompt)).text).toBe(example.answer);
  for (const example of examples("sums", 12, 4)) await chat(memberKey, "strong", example.prompt);
  // A request that holds an e-mail address (no input policy masks it): the held-out set's PII re-check drops it.
  await chat(memberKey, "strong", "Mail alice@example.com about the refund please.");
}, 120_000);

afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("bad input answers 4xx in OpenAI's error format and records nothing", () => {
  it("a log query matching nothing", async () => {
    const response = await as(MASTER, "POST", "/admin/promotions", { project_id: project, candidate: "cheap", auto_model: "smart", held_out: { model: "nobody" } });
    expect(response.status, response.body).toBe(400);
    expect(response.json.error.code).toBe("SWY_ERR_INVALID_DATASET");
    expect(response.json.error.counts.matched).toBe(0);
  });

  it("a held-out set in which every example holds personal data", async () => {
    const response = await as(MASTER, "POST", "/admin/promotions", { project_id: project, candidate: "cheap", auto_model: "smart", held_out: { q: "refund", split: "all" } });
    expect(response.status, response.body).toBe(400);
    expect(response.json.error.counts).toMatchObject({ matched: 1, pii_dropped: 1, kept: 0 });
    const refused = await as(MASTER, "POST", "/admin/promotions", { project_id: project, candidate: "cheap", auto_model: "smart", held_out: { model: "strong", on_pii: "refuse", split: "all" } });
    expect(refused.status, refused.body).toBe(400);
    expect(refused.json.error.param).toBe("held_out.on_pii");
  });

  it("an unknown candidate, a target that is not an auto model, and a missing target", async () => {
    const unknown = await as(MASTER, "POST", "/admin/promotions", { project_id: project, candidate: "ft:nothing:x:y", auto_model: "smart", held_out: heldOut });
    expect(unknown.status, unknown.body).toBe(404);
    expect(unknown.json.error).toMatchObject({ code: "SWY_ERR_MODEL_NOT_FOUND", param: "candidate" });
    const notAuto = await as(MASTER, "POST", "/admin/promotions", { project_id: project, candidate: "cheap", auto_model: "strong", held_out: heldOut });
    expect(notAuto.status, notAuto.body).toBe(400);
    expect(notAuto.json.error.param).toBe("auto_model");
    const noTarget = await as(MASTER, "POST", "/admin/promotions", { project_id: project, candidate: "cheap", held_out: heldOut });
    expect(noTarget.status, noTarget.body).toBe(400);
    expect(noTarget.json.error.type).toBe("invalid_request_error");
  });

  it("sampling parameters out of range or unknown", async () => {
    const hot = await as(MASTER, "POST", "/admin/promotions", { project_id: project, candidate: "cheap", auto_model: "smart", held_out: heldOut, parameters: { temperature: 5 } });
    expect(hot.status, hot.body).toBe(400);
    expect(hot.json.error).toMatchObject({ type: "invalid_request_error", param: "parameters.temperature" });
    const unknown = await as(MASTER, "POST", "/admin/promotions", { project_id: project, candidate: "cheap", auto_model: "smart", held_out: heldOut, parameters: { top_k: 3 } });
    expect(unknown.status, unknown.body).toBe(400);
    expect(unknown.json.error.type).toBe("invalid_request_error");
  });

  it("a project key cannot promote into what every project shares: an auto model, a config-file deployment", async () => {
    const auto = await as(adminKey, "POST", "/admin/promotions", { candidate: "cheap", auto_model: "smart", held_out: heldOut });
    expect(auto.status).toBe(403);
    const shared = await as(adminKey, "POST", "/admin/promotions", { candidate: "cheap", deployment: "desk", held_out: heldOut });
    expect(shared.status).toBe(403);
    expect((await as(MASTER, "GET", `/admin/promotions?project_id=${project}`)).json.data).toEqual([]);
  });
});

describe("the gate", () => {
  it("refuses a candidate below the strong model's quality, records the figures and changes nothing", async () => {
    const before = (await as(MASTER, "GET", "/admin/models/smart")).json;
    const created = await as(MASTER, "POST", "/admin/promotions", { project_id: project, candidate: "old", auto_model: "smart", held_out: heldOut, gate: { not_worse_than_weak: false } });
    expect(created.status, created.body).toBe(200);
    const done = await settled(created.json.id);
    expect(done.status).toBe("refused");
    expect(done.gate?.passed).toBe(false);
    expect(done.gate?.checks.find((check) => check.name === "quality_share")?.passed).toBe(false);
    const candidate = done.evaluation!.models.find((model) => model.role === "candidate")!;
    const strong = done.evaluation!.models.find((model) => model.role === "strong")!;
    expect(candidate.quality.mean).toBe(0);
    expect(strong.quality.mean).toBe(1);
    expect(done.refusal?.message).toMatch(/quality/);
    expect((await as(MASTER, "GET", "/admin/models/smart")).json).toEqual(before);
  }, 90_000);

  it("promotes a cheaper candidate that matches the strong model: weak tier and router swapped without a restart", async () => {
    const created = await as(MASTER, "POST", "/admin/promotions", {
      project_id: project,
      candidate: "cheap",
      auto_model: "smart",
      held_out: heldOut,
      rollback: { margin: 0.2, min_samples: 3 },
    });
    expect(created.status, created.body).toBe(200);
    expect(created.json.status).toBe("evaluating");
    const done = await settled(created.json.id);
    expect(done.status, JSON.stringify(done.refusal)).toBe("promoted");
    const candidate = done.evaluation!.models.find((model) => model.role === "candidate")!;
    const strong = done.evaluation!.models.find((model) => model.role === "strong")!;
    expect(candidate.quality.mean).toBe(1);
    expect(candidate.cost_per_request_usd).toBeLessThan(strong.cost_per_request_usd);
    expect(done.events.map((event) => event.step)).toEqual(["created", "held_out", "held_out", "evaluating", "evaluated", "gate", "router", "applied"]);
    const model = (await as(MASTER, "GET", "/admin/models/smart")).json;
    expect(model.config.auto.weak).toBe("cheap");
    expect(model.config.auto.router).toBe(`stored:promotion-${done.id}`);
    // A configured model serves every project; a project's own fine-tune would list its owner alone.
    expect(done.applied!.auto_model).toMatchObject({ name: "smart", previous_weak: "old", tier_projects: null });
    expect((await as(MASTER, "GET", "/admin/routers")).json.data.map((router: { name: string }) => router.name)).toContain(`promotion-${done.id}`);
    // Served at once: an order question through the auto model now goes to the new weak tier.
    const answered = await chat(memberKey, "smart", "Where is my order 5555? I bought it on Monday.");
    expect(answered.decision).toBe("weak");
    expect(upstream.requests.at(-1)?.body).toMatchObject({ model: "gpt-4o-mini" });

    // Another promotion on the same auto model waits until this one is rolled back.
    const busy = await as(MASTER, "POST", "/admin/promotions", { project_id: project, candidate: "old", auto_model: "smart", held_out: heldOut });
    expect(busy.status, busy.body).toBe(409);

    // Another project's key: 404, as for an id that does not exist.
    expect((await as(otherAdmin, "GET", `/admin/promotions/${done.id}`)).status).toBe(404);
    expect((await as(otherAdmin, "POST", `/admin/promotions/${done.id}/rollback`, {})).status).toBe(404);
    expect((await as(otherAdmin, "GET", "/admin/promotions")).json.data).toEqual([]);
    expect((await as(adminKey, "GET", `/admin/promotions/${done.id}`)).json.status).toBe("promoted");

    // Live ratings of the candidate's answers below its evaluated quality by more than the margin: rolled back.
    for (const example of examples("orders", 3, 9)) {
      const rated = await chat(memberKey, "smart", example.prompt);
      expect((await as(memberKey, "POST", "/v1/feedback", { request_id: rated.requestId, score: 0.1 })).status).toBe(200);
    }
    const rolledBack = await waitFor(
      async () => {
        const view = (await as(MASTER, "GET", `/admin/promotions/${done.id}`)).json as Promotion & { rollback: { by: string; live: { count: number } } | null };
        return view.status === "rolled_back" ? view : undefined;
      },
      20_000,
      "the automatic rollback",
    );
    expect(rolledBack.rollback).toMatchObject({ by: "automatic", live: { count: 3 } });
    const restored = (await as(MASTER, "GET", "/admin/models/smart")).json;
    expect(restored.config.auto.weak).toBe("old");
    expect(restored.config.auto.router).toBe(join(dataDir, "router.json"));
    const audit = (await as(MASTER, "GET", `/admin/audit?project_id=${project}`)).json.data as Array<{ key_id: string; path: string }>;
    expect(audit.some((entry) => entry.key_id === "promotion-monitor" && entry.path === `/admin/promotions/${done.id}/rollback`)).toBe(true);
  }, 120_000);

  it("a project's admin key promotes into its own deployment as a canary variant; a rollback by hand restores the previous version", async () => {
    expect((await as(adminKey, "PUT", "/admin/deployments/own-desk", { model: "strong" })).status).toBe(200);
    expect((await as(otherAdmin, "POST", "/admin/promotions", { candidate: "cheap", deployment: "own-desk", held_out: heldOut })).status).toBe(404);
    const created = await as(adminKey, "POST", "/admin/promotions", { candidate: "cheap", deployment: "own-desk", canary_share: 0.25, held_out: heldOut });
    expect(created.status, created.body).toBe(200);
    const done = await settled(created.json.id);
    expect(done.status, JSON.stringify(done.refusal)).toBe("promoted");
    const deployment = (await as(MASTER, "GET", "/admin/deployments/own-desk")).json;
    expect(deployment.project_id).toBe(project);
    expect(deployment.spec.variants).toEqual([
      { name: "current", model: "strong", weight: 0.75 },
      { name: "promoted", model: "cheap", weight: 0.25 },
    ]);
    const viewer = await as(otherAdmin, "POST", `/admin/promotions/${done.id}/rollback`, {});
    expect(viewer.status).toBe(404);
    const back = await as(adminKey, "POST", `/admin/promotions/${done.id}/rollback`, { reason: "the desk prefers the strong model" });
    expect(back.status, back.body).toBe(200);
    expect(back.json.status).toBe("rolled_back");
    expect((await as(MASTER, "GET", "/admin/deployments/own-desk")).json.spec).toMatchObject({ model: "strong" });
    const again = await as(adminKey, "POST", `/admin/promotions/${done.id}/rollback`, {});
    expect(again.status).toBe(409);
  }, 90_000);
});
