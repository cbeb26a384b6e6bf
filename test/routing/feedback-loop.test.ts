import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { routerExportCommand } from "../../src/cli/router-export.js";
import { routerTrainCommand } from "../../src/cli/router-train.js";
import { createLogger } from "../../src/observability/logger.js";
import { loadRouterFile } from "../../src/routing/auto/router-file.js";
import { trainRouter } from "../../src/routing/auto/train.js";
import "../../src/routing/feedback/tables.js";
import { purgeExpiredSamples } from "../../src/routing/feedback/sample-retention.js";
import { RoutingSampleStore } from "../../src/routing/feedback/sample-store.js";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { syntheticRows } from "./synthetic-data.js";

/**
 * The retraining loop end to end on real SQLite: an auto model with collect_samples stores what
 * it routed, clients rate responses by their x-request-id, and `router export` writes the rated
 * samples as rows `router train` takes (next to a seed dataset that scores both models).
 */
const MASTER = "sk-master-feedback";
const STRONG = "big/gpt-4o";
const WEAK = "cheap";
const hard = "Gus has 734 marbles, sells 35% of them, then buys 62 more and then gives away a third. How many marbles are left?";
const easy = "Gus has 4 marbles. How many marbles does Gus have?";

let strong: OpenaiEmulator;
let weak: OpenaiEmulator;
let app: App;
let directory: string;
let configPath: string;
let keyA: string;
let keyB: string;
let projectA: string;

function appConfig(routerPath: string) {
  return {
    server: { data_dir: join(directory, "data"), log_level: "silent" },
    providers: {
      big: { type: "openai", base_url: strong.baseURL, api_key: "none" },
      small: { type: "openai", base_url: weak.baseURL, api_key: "none" },
    },
    models: {
      smart: { type: "auto", auto: { router: routerPath, strong: STRONG, weak: WEAK, target_strong: 0.4, collect_samples: true } },
      quiet: { type: "auto", auto: { router: routerPath, strong: STRONG, weak: WEAK, target_strong: 0.4 } },
      cheap: { routes: [{ provider: "small", model: "gpt-4o-mini" }] },
    },
    guardrails: { detectors: { custom: { codename: { terms: ["Bluebird"] } } }, input: { codename: "mask" } },
  };
}

beforeAll(async () => {
  [strong, weak] = await Promise.all([startOpenaiEmulator(), startOpenaiEmulator()]);
  directory = mkdtempSync(join(tmpdir(), "swy-feedback-"));
  const routerPath = join(directory, "ROUTER.json");
  const { file } = trainRouter(syntheticRows(240, 21), { strong: "strong", weak: "weak", targetStrong: 0.4, folds: 3 });
  writeFileSync(routerPath, JSON.stringify(file));
  const config = appConfig(routerPath);
  configPath = join(directory, "switchyard.json");
  writeFileSync(configPath, JSON.stringify(config));
  app = await createApp({ logger: createLogger("silent"), env: { SWITCHYARD_MASTER_KEY: MASTER }, config });
  const keys: string[] = [];
  for (const name of ["alpha", "beta"]) {
    const project = await admin("/admin/projects", { name });
    const key = await admin("/admin/keys", { project_id: project.id });
    keys.push(String(key.key));
    if (name === "alpha") projectA = String(project.id);
  }
  [keyA, keyB] = keys as [string, string];
}, 60_000);

afterAll(async () => {
  await app?.close();
  await Promise.all([strong?.close(), weak?.close()]);
  if (directory) rmSync(directory, { recursive: true, force: true });
});

async function admin(url: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await app.server.inject({ method: "POST", url, headers: { authorization: `Bearer ${MASTER}` }, payload });
  expect(response.statusCode, response.body).toBeLessThan(300);
  return response.json();
}

async function ask(text: string, options: { model?: string; stream?: boolean; key?: string } = {}) {
  const response = await app.server.inject({
    method: "POST",
    url: "/v1/chat/completions",
    headers: { authorization: `Bearer ${options.key ?? keyA}` },
    payload: { model: options.model ?? "smart", stream: options.stream ?? false, messages: [{ role: "system", content: "Be brief." }, { role: "user", content: text }] },
  });
  return { status: response.statusCode, requestId: String(response.headers["x-request-id"]), tier: response.headers["x-switchyard-route-decision"], body: response.body };
}

function rate(payload: unknown, key = keyA, contentType = "application/json") {
  return app.server.inject({
    method: "POST",
    url: "/v1/feedback",
    headers: { authorization: `Bearer ${key}`, "content-type": contentType },
    payload: typeof payload === "string" ? payload : JSON.stringify(payload),
  });
}

const samples = () => app.control.storage.db.selectFrom("routing_samples").selectAll().orderBy("created_at").execute();
const sampleOf = (requestId: string) => app.control.storage.db.selectFrom("routing_samples").selectAll().where("request_id", "=", requestId).executeTakeFirst();

describe("routing samples", () => {
  it("are stored for an auto model with collect_samples, under the tier model that answered", async () => {
    const strongCall = await ask(hard);
    expect(strongCall.status, strongCall.body).toBe(200);
    expect(strongCall.tier).toBe("strong");
    expect(await sampleOf(strongCall.requestId)).toMatchObject({ auto_model: "smart", model: STRONG, tier: "strong", prompt: hard, project_id: projectA });

    const weakCall = await ask(easy, { stream: true });
    expect(weakCall.status).toBe(200);
    expect(weakCall.body).toContain("data: [DONE]");
    expect(weakCall.requestId).toMatch(/^req_/);
    const sample = await sampleOf(weakCall.requestId);
    expect(sample).toMatchObject({ model: WEAK, tier: "weak", prompt: easy });
    expect(sample!.score).toBeGreaterThanOrEqual(0);
    expect(sample!.score).toBeLessThanOrEqual(1);
    expect(sample!.key_id).toMatch(/\S/);
  });

  it("are not stored for an auto model without collect_samples", async () => {
    const call = await ask(hard, { model: "quiet" });
    expect(call.status).toBe(200);
    expect(call.tier).toBe("strong");
    expect(await sampleOf(call.requestId)).toBeUndefined();
  });

  it("hold the prompt as the router saw it: after guardrail masking", async () => {
    const call = await ask("Is Project Bluebird shipping this week? Gus has 4 marbles.");
    expect(call.status).toBe(200);
    const sample = await sampleOf(call.requestId);
    expect(sample?.prompt).toContain("Is Project");
    expect(sample?.prompt).not.toContain("Bluebird");
    expect(strong.requests.concat(weak.requests).some((request) => JSON.stringify(request.body).includes("Bluebird"))).toBe(false);
  });

  it("are filed under the tier that answered when cross-tier fallback moved the request", async () => {
    strong.faults.push({ kind: "status", status: 503 });
    const call = await ask(hard);
    expect(call.status).toBe(200);
    expect(call.tier).toBe("strong");
    expect(await sampleOf(call.requestId)).toMatchObject({ model: WEAK, tier: "weak" });
  });

  it("are not stored for a failed request", async () => {
    strong.faults.push({ kind: "status", status: 503 });
    weak.faults.push({ kind: "status", status: 503 });
    const call = await ask(hard);
    expect(call.status).toBeGreaterThanOrEqual(500);
    expect(await sampleOf(call.requestId)).toBeUndefined();
  });
});

describe("POST /v1/feedback", () => {
  it("rates a sampled request, and a second rating replaces the first", async () => {
    const call = await ask(hard);
    const first = await rate({ request_id: call.requestId, score: 0.9 });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ object: "feedback", request_id: call.requestId, score: 0.9 });
    const second = await rate({ request_id: call.requestId, score: 0.2, comment: "wrong total" });
    expect(second.statusCode, second.body).toBe(200);
    const rows = await app.control.storage.db.selectFrom("routing_feedback").selectAll().where("request_id", "=", call.requestId).execute();
    expect(rows).toEqual([expect.objectContaining({ score: 0.2, comment: "wrong total", project_id: projectA })]);
  });

  it("rates a metered request that was not sampled (found by its usage row)", async () => {
    const call = await ask(easy, { model: "quiet" });
    const response = await rate({ request_id: call.requestId, score: 1 });
    expect(response.statusCode, response.body).toBe(200);
  });

  it("answers 404 in OpenAI's format for an unknown id and for another project's request", async () => {
    const unknown = await rate({ request_id: "req_does_not_exist", score: 0.5 });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: "SWY_ERR_NOT_FOUND", param: "request_id", type: "invalid_request_error" } });

    const call = await ask(hard);
    const foreign = await rate({ request_id: call.requestId, score: 0 }, keyB);
    expect(foreign.statusCode, foreign.body).toBe(404);
    expect(await app.control.storage.db.selectFrom("routing_feedback").selectAll().where("request_id", "=", call.requestId).execute()).toEqual([]);
  });

  it("answers 400 naming the field for bad input, and 401 without a key", async () => {
    const call = await ask(easy);
    const outOfRange = await rate({ request_id: call.requestId, score: 1.5 });
    expect(outOfRange.statusCode).toBe(400);
    expect(outOfRange.json()).toMatchObject({ error: { param: "score", code: "SWY_ERR_INVALID_REQUEST" } });
    const missing = await rate({ score: 0.5 });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ error: { param: "request_id" } });
    const longComment = await rate({ request_id: call.requestId, score: 0.5, comment: "x".repeat(2001) });
    expect(longComment.json()).toMatchObject({ error: { param: "comment" } });
    const notJson = await rate("{not json");
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json()).toMatchObject({ error: { code: "SWY_ERR_INVALID_JSON" } });
    const anonymous = await app.server.inject({ method: "POST", url: "/v1/feedback", payload: { request_id: call.requestId, score: 1 } });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe("switchyard router export", () => {
  it("writes the rated samples as training rows that router train accepts next to a seed dataset", async () => {
    const rated = [await ask(hard), await ask(easy), await ask(hard)];
    const unrated = await ask(easy);
    expect(unrated.status).toBe(200);
    for (const [index, call] of rated.entries()) expect((await rate({ request_id: call.requestId, score: index === 1 ? 1 : 0.25 })).statusCode).toBe(200);

    const out = join(directory, "logged.jsonl");
    expect(await routerExportCommand(["--config", configPath, "--model", "smart", "--out", out])).toBe(0);
    const rows = readFileSync(out, "utf8").trim().split("\n").map((line) => JSON.parse(line) as { prompt: string; scores: Record<string, number>; request_id: string; tier: string });
    const ratedIds = (await app.control.storage.db.selectFrom("routing_feedback").select("request_id").execute()).map((row) => row.request_id);
    const sampledAndRated = (await samples()).filter((sample) => ratedIds.includes(sample.request_id));
    expect(rows.map((row) => row.request_id)).toEqual(sampledAndRated.map((sample) => sample.request_id));
    expect(rows.map((row) => row.request_id)).not.toContain(unrated.requestId);
    const byId = new Map(rows.map((row) => [row.request_id, row]));
    expect(byId.get(rated[0]!.requestId)).toEqual({ prompt: hard, scores: { [STRONG]: 0.25 }, request_id: rated[0]!.requestId, tier: "strong" });
    expect(byId.get(rated[1]!.requestId)).toEqual({ prompt: easy, scores: { [WEAK]: 1 }, request_id: rated[1]!.requestId, tier: "weak" });
    for (const row of rows) expect(Object.keys(row.scores)).toHaveLength(1);

    const later = join(directory, "later.jsonl");
    expect(await routerExportCommand(["--config", configPath, "--model", "smart", "--out", later, "--since", new Date(Date.now() + 60_000).toISOString()])).toBe(0);
    expect(readFileSync(later, "utf8")).toBe("");
    expect(await routerExportCommand(["--config", configPath, "--model", "smart", "--out", later, "--since", "yesterday-ish"])).toBe(2);

    // The seed scores both tier models by their public names; the logged rows each score one.
    const seed = syntheticRows(120, 5).map((row) => JSON.stringify({ prompt: row.prompt, scores: { [STRONG]: row.scores.strong, [WEAK]: row.scores.weak } }));
    const data = join(directory, "train.jsonl");
    writeFileSync(data, `${seed.join("\n")}\n${readFileSync(out, "utf8")}`);
    const routerOut = join(directory, "ROUTER-2.json");
    expect(await routerTrainCommand(["--data", data, "--strong", STRONG, "--weak", WEAK, "--out", routerOut, "--folds", "3", "--quiet"])).toBe(0);
    const retrained = loadRouterFile(routerOut);
    expect(retrained.file.training.rows).toBe(120 + rows.length);
    expect(retrained.file.training.pairedRows).toBe(120);
  });
});

describe("sample retention", () => {
  it("deletes samples older than sample_retention_days (30 by default), with their ratings", async () => {
    const day = 86_400_000;
    const call = await ask(hard);
    const rated = await app.server.inject({ method: "POST", url: "/v1/feedback", headers: { authorization: `Bearer ${keyA}` }, payload: { request_id: call.requestId, score: 1 } });
    expect(rated.statusCode).toBe(200);
    const store = new RoutingSampleStore(app.control.storage.db);
    expect(app.runtime.models.get("smart")?.auto?.sampleRetentionDays).toBe(30);
    expect(await purgeExpiredSamples(store, app.runtime.models, Date.now() + 29 * day)).toBe(0);
    expect(await sampleOf(call.requestId)).toBeDefined();
    expect(await purgeExpiredSamples(store, app.runtime.models, Date.now() + 31 * day)).toBeGreaterThan(0);
    expect(await sampleOf(call.requestId)).toBeUndefined();
    const rating = await app.control.storage.db.selectFrom("routing_feedback").selectAll().where("request_id", "=", call.requestId).executeTakeFirst();
    expect(rating).toBeUndefined();
  });
});
