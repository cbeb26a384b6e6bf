import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";
import { additionRows, emulatedModels } from "./helpers.js";

/**
 * Evaluations through the real app and the admin API: models answer through the gateway (an
 * emulated upstream), scorers and judges score them, the summary reports quality with intervals,
 * win rates, cost and latency; per project, cancellable, bad input refused in OpenAI's format.
 */
const MASTER = "sk-master-evaluations";
let upstream: OpenaiEmulator;
let slow: OpenaiEmulator;
let gateway: RunningGateway;
let projectA: string;
let adminA: string;
let adminB: string;

interface Reply {
  status: number;
  json: any;
}

async function as(key: string, method: "GET" | "POST" | "PUT" | "DELETE", url: string, payload?: unknown): Promise<Reply> {
  const response = await gateway.server.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: response.statusCode, json: response.json() };
}

async function waitFor(key: string, id: string, until: (record: any) => boolean, deadlineMs = 30_000): Promise<any> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const { status, json } = await as(key, "GET", `/admin/evaluations/${id}`);
    expect(status, JSON.stringify(json)).toBe(200);
    if (until(json)) return json;
    if (Date.now() > deadline) throw new Error(`evaluation ${id} still '${json.status}' (${JSON.stringify(json.progress)}) after ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const finished = (record: any) => ["completed", "failed", "cancelled"].includes(record.status);

beforeAll(async () => {
  upstream = await startOpenaiEmulator({ reply: emulatedModels });
  slow = await startOpenaiEmulator({ reply: emulatedModels, latencyMs: 150 });
  gateway = await startGateway(
    {
      providers: { up: { type: "openai", base_url: upstream.baseURL, api_key: "none" }, slow: { type: "openai", base_url: slow.baseURL, api_key: "none" } },
      models: {
        strong: { routes: [{ provider: "up", model: "gpt-4o" }] },
        weak: { routes: [{ provider: "up", model: "gpt-4o-mini" }] },
        jsonish: { routes: [{ provider: "up", model: "gpt-5-nano" }] },
        judge: { routes: [{ provider: "up", model: "gpt-4.1" }] },
        "first-judge": { routes: [{ provider: "up", model: "o3-mini" }] },
        sluggish: { routes: [{ provider: "slow", model: "gpt-4o" }] },
      },
    },
    { env: { SWITCHYARD_MASTER_KEY: MASTER } },
  );
  projectA = (await as(MASTER, "POST", "/admin/projects", { name: "evals-a" })).json.id;
  const projectB = (await as(MASTER, "POST", "/admin/projects", { name: "evals-b" })).json.id;
  adminA = (await as(MASTER, "POST", "/admin/keys", { project_id: projectA, role: "admin" })).json.key;
  adminB = (await as(MASTER, "POST", "/admin/keys", { project_id: projectB, role: "admin" })).json.key;
  // Project A stores its traffic: evaluation calls must still stay out of the log.
  expect((await as(adminA, "PUT", `/admin/projects/${projectA}/logging`, { store_requests: true })).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
  await slow?.close();
});

describe("evaluations", () => {
  let evaluationId: string;
  let summary: any;

  it("runs a dataset through two models with every scorer and reports them side by side", async () => {
    const created = await as(adminA, "POST", "/admin/evaluations", {
      name: "sums",
      dataset: { rows: additionRows(8) },
      models: ["strong", "weak"],
      baseline: "weak",
      scorers: [
        { type: "exact_match" },
        { type: "regex", pattern: "^\\d+$" },
        { type: "json_schema", schema: { type: "integer" } },
        { type: "llm_judge", model: "judge", mode: "absolute" },
        { type: "llm_judge", model: "judge", mode: "pairwise" },
      ],
      seed: 3,
    });
    expect(created.status, JSON.stringify(created.json)).toBe(200);
    expect(created.json).toMatchObject({ object: "evaluation", project_id: projectA, name: "sums" });
    expect(created.json.progress.total).toBe(8 * (2 + 2 + 2));
    evaluationId = created.json.id;
    const record = await waitFor(adminA, evaluationId, finished);
    expect(record.status, JSON.stringify(record.error)).toBe("completed");
    expect(record.progress).toEqual({ done: 48, total: 48 });
    summary = record.summary;
    expect(summary).toMatchObject({ rows: 8, confidence: 0.95, baseline: "weak" });
    const [strong, weak] = summary.models;
    expect(strong.model).toBe("strong");
    expect(weak.model).toBe("weak");
    // exact match is pass/fail: Wilson; the strong model is always right, the weak one never.
    expect(strong.scores.exact_match).toMatchObject({ mean: 1, method: "wilson", count: 8 });
    expect(weak.scores.exact_match).toMatchObject({ mean: 0, method: "wilson", count: 8 });
    expect(strong.scores.exact_match.low).toBeCloseTo(0.6756, 3);
    expect(strong.scores.regex.mean).toBe(1);
    expect(strong.scores.json_schema.mean).toBe(1);
    expect(strong.scores.llm_judge_absolute.mean).toBe(1);
    expect(weak.scores.llm_judge_absolute.mean).toBeCloseTo(0.2);
    // Quality is the mean of the absolute scorers per row: strong 1, weak (0 + 1 + 1 + 0.2) / 4.
    expect(strong.quality.mean).toBe(1);
    expect(weak.quality.mean).toBeCloseTo(0.55);
    expect(strong.quality.high).toBeGreaterThan(weak.quality.high);
    // Pairwise against the baseline: the fair judge prefers the right sum in both orders.
    expect(strong.win_rate).toMatchObject({ mean: 1, wins: 8, ties: 0, losses: 0, method: "wilson" });
    expect(weak.win_rate).toBeUndefined();
    for (const model of summary.models) {
      expect(model.errors).toBe(0);
      expect(model.rows).toBe(8);
      expect(model.cost.total_usd).toBeGreaterThan(0);
      expect(model.cost.per_request_usd).toBeCloseTo(model.cost.total_usd / 8, 12);
      expect(model.latency.p90_ms).toBeGreaterThanOrEqual(model.latency.p50_ms);
      expect(model.tokens.input).toBeGreaterThan(0);
    }
    // gpt-4o costs more per token than gpt-4o-mini in the price catalog.
    expect(strong.cost.per_request_usd).toBeGreaterThan(weak.cost.per_request_usd);
    expect(summary.judge.calls).toBe(8 * 2 + 8 * 2);
    expect(summary.judge.errors).toBe(0);
  });

  it("answers per-row outputs, scores and both pairwise orders", async () => {
    const { status, json } = await as(adminA, "GET", `/admin/evaluations/${evaluationId}/rows?limit=100`);
    expect(status).toBe(200);
    expect(json.data).toHaveLength(16);
    const first = json.data.find((row: any) => row.row === 0 && row.model === "strong");
    expect(first).toMatchObject({ output: "4", error: null, quality: 1, win: 1 });
    expect(first.request_id).toMatch(/^evalreq_/);
    expect(first.scores).toEqual({ exact_match: 1, regex: 1, json_schema: 1, llm_judge_absolute: 1 });
    const pairwise = first.judgements.find((judgement: any) => judgement.scorer === "llm_judge_pairwise");
    expect(pairwise.verdicts.map((verdict: any) => [verdict.order, verdict.value])).toEqual([
      ["candidate_first", 1],
      ["baseline_first", 1],
    ]);
    const weakOnly = await as(adminA, "GET", `/admin/evaluations/${evaluationId}/rows?model=weak&limit=3`);
    expect(weakOnly.json.data.map((row: any) => row.model)).toEqual(["weak", "weak", "weak"]);
    expect(weakOnly.json.has_more).toBe(true);
  });

  it("meters evaluation calls as usage but keeps them out of the request log", async () => {
    await gateway.control.ledger.flush();
    const usage = await gateway.control.storage.db.selectFrom("usage_records").select(["request_id", "cost_usd"]).where("request_id", "like", "evalreq_%").execute();
    expect(usage.length).toBeGreaterThanOrEqual(48);
    const rows = await as(adminA, "GET", `/admin/evaluations/${evaluationId}/rows?limit=100`);
    const ids = new Set(usage.map((row) => row.request_id));
    for (const row of rows.json.data) expect(ids.has(row.request_id)).toBe(true);
    await gateway.logs.writer.flush();
    const logged = await as(adminA, "GET", "/admin/logs?limit=500");
    expect(logged.status).toBe(200);
    expect(logged.json.data).toEqual([]);
    // A live call of the same project is logged: the log is on, evaluations are what it skips.
    const key = (await as(MASTER, "POST", "/admin/keys", { project_id: projectA })).json.key;
    const live = await gateway.server.inject({ method: "POST", url: "/v1/chat/completions", headers: { authorization: `Bearer ${key}` }, payload: { model: "strong", messages: [{ role: "user", content: "What is 1 plus 1?" }] } });
    expect(live.statusCode).toBe(200);
    await gateway.logs.writer.flush();
    expect((await as(adminA, "GET", "/admin/logs?limit=500")).json.data).toHaveLength(1);
  });

  it("cancels a position-biased judge's preference by swapping the order", async () => {
    const record = await gateway.evaluations.run(
      { dataset: { rows: additionRows(5, 10) }, models: ["weak", "strong"], scorers: [{ type: "llm_judge", model: "first-judge", mode: "pairwise" }] },
      projectA,
    );
    expect(record.status).toBe("completed");
    // The judge always says "A": the candidate wins when shown first, loses when shown second.
    const strong = record.summary!.models.find((model) => model.model === "strong")!;
    expect(strong.win_rate).toMatchObject({ mean: 0.5, wins: 0, ties: 5, losses: 0 });
    // With only a pairwise judge, quality is the win rate (the baseline's is 0.5).
    expect(strong.quality.mean).toBe(0.5);
    expect(record.summary!.baseline).toBe("weak");
    const rows = await gateway.evaluations.store.results(record.id, { limit: 10, offset: 0, model: "strong" });
    expect(rows[0]!.judgements[0]!.verdicts.map((verdict) => verdict.value)).toEqual([1, 0]);
  });

  it("lists a project's evaluations and hides them from another project (404, never a hint)", async () => {
    const listA = await as(adminA, "GET", "/admin/evaluations");
    expect(listA.status).toBe(200);
    expect(listA.json.data.map((record: any) => record.id)).toContain(evaluationId);
    const listB = await as(adminB, "GET", "/admin/evaluations");
    expect(listB.json.data).toEqual([]);
    for (const [method, url] of [
      ["GET", `/admin/evaluations/${evaluationId}`],
      ["GET", `/admin/evaluations/${evaluationId}/rows`],
      ["POST", `/admin/evaluations/${evaluationId}/cancel`],
      ["DELETE", `/admin/evaluations/${evaluationId}`],
    ] as const) {
      const { status, json } = await as(adminB, method, url);
      expect(status, `${method} ${url}`).toBe(404);
      expect(json.error.message).toBe(`No evaluation with id '${evaluationId}'.`);
    }
    expect((await as(adminB, "GET", "/admin/evaluations/eval_missing")).json.error.message).toBe("No evaluation with id 'eval_missing'.");
    // A project key naming another project gets 404 too.
    expect((await as(adminB, "GET", `/admin/evaluations?project_id=${projectA}`)).status).toBe(404);
    // The master key sees it.
    expect((await as(MASTER, "GET", `/admin/evaluations/${evaluationId}`)).status).toBe(200);
  });

  it("refuses bad input with a 4xx in OpenAI's error format", async () => {
    const base = { dataset: { rows: additionRows(2) }, models: ["strong", "weak"], scorers: [{ type: "exact_match" }] };
    const cases: Array<[unknown, number, RegExp, string?]> = [
      [{ ...base, models: ["strong", "no-such-model"] }, 404, /models\[1\].*no-such-model/, "models[1]"],
      [{ ...base, scorers: [{ type: "llm_judge", model: "ghost-judge" }] }, 404, /ghost-judge/, "scorers[0].model"],
      [{ ...base, dataset: { rows: [] } }, 400, /no rows/, "dataset"],
      [{ ...base, scorers: [{ type: "regex", pattern: "(unclosed" }] }, 400, /does not compile/, "scorers[0].pattern"],
      [{ ...base, scorers: [{ type: "json_schema", schema: { type: "nonsense" } }] }, 400, /not a JSON Schema/, "scorers[0].schema"],
      [{ ...base, dataset: { rows: [{ messages: [{ role: "user", content: "no reference" }] }] } }, 400, /compares with a reference/],
      [{ ...base, dataset: { rows: [{ messages: [{ role: "wizard", content: "hi" }] }] } }, 400, /dataset\.rows\[0\]/],
      [{ ...base, dataset: { file_id: "file-missing" } }, 404, /file-missing/],
      [{ ...base, models: [] }, 400, /models/],
      [{ ...base, baseline: "judge" }, 400, /not one of 'models'/],
      [{ ...base, models: ["strong"], scorers: [{ type: "llm_judge", model: "judge", mode: "pairwise" }] }, 400, /at least two models/],
      [{ ...base, scorers: [{ type: "bleu" }] }, 400, /scorers/],
    ];
    for (const [body, status, message, param] of cases) {
      const reply = await as(adminA, "POST", "/admin/evaluations", body);
      expect(reply.status, JSON.stringify(reply.json)).toBe(status);
      expect(reply.json.error).toMatchObject({ type: "invalid_request_error" });
      expect(reply.json.error.message).toMatch(message);
      if (param) expect(reply.json.error.param).toBe(param);
    }
    // The master key may name any project, but only one that exists.
    const nowhere = await as(MASTER, "POST", "/admin/evaluations", { ...base, project_id: "prj_nowhere" });
    expect(nowhere.status).toBe(404);
    expect(nowhere.json.error).toMatchObject({ message: "No project with id 'prj_nowhere'.", param: "project_id" });
    expect((await as(adminA, "GET", "/admin/evaluations")).json.data.every((record: any) => record.status !== "queued")).toBe(true);
  });

  it("reads a dataset from the project's files, final assistant message as the reference", async () => {
    const lines = additionRows(3).map((row) => JSON.stringify({ messages: [...row.messages, { role: "assistant", content: row.reference }] }));
    const form = new FormData();
    form.append("purpose", "fine-tune");
    form.append("file", new Blob([lines.join("\n") + "\n"]), "sums.jsonl");
    const upload = await fetch(`${gateway.url}/v1/files`, { method: "POST", headers: { authorization: `Bearer ${adminA}` }, body: form });
    expect(upload.status).toBe(200);
    const fileId = ((await upload.json()) as { id: string }).id;
    const record = await gateway.evaluations.run({ dataset: { file_id: fileId }, models: ["strong", "jsonish"], scorers: [{ type: "exact_match" }, { type: "json_schema", schema: { type: "object", required: ["answer"] } }] }, projectA);
    expect(record.status).toBe("completed");
    const [strong, jsonish] = record.summary!.models;
    expect(strong!.scores.exact_match!.mean).toBe(1);
    expect(strong!.scores.json_schema!.mean).toBe(0);
    expect(jsonish!.scores.json_schema!.mean).toBe(1);
    // Another project cannot use the file.
    const other = await as(adminB, "POST", "/admin/evaluations", { dataset: { file_id: fileId }, models: ["strong", "weak"], scorers: [{ type: "regex", pattern: "." }] });
    expect(other.status).toBe(404);
  });

  it("cancels a running evaluation: it stops calling and keeps the rows done", async () => {
    const started = await as(adminA, "POST", "/admin/evaluations", { dataset: { rows: additionRows(40) }, models: ["sluggish", "strong"], scorers: [{ type: "exact_match" }] });
    expect(started.status).toBe(200);
    const id = started.json.id;
    await waitFor(adminA, id, (record) => record.progress.done >= 4);
    const cancelled = await as(adminA, "POST", `/admin/evaluations/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.json.status).toBe("cancelled");
    const record = await waitFor(adminA, id, (value) => value.summary !== null);
    expect(record.status).toBe("cancelled");
    expect(record.progress.done).toBeLessThan(record.progress.total);
    const seen = slow.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(slow.requests.length).toBe(seen);
    expect(record.summary.rows).toBeLessThan(40);
    expect(record.summary.models[0].rows).toBe(record.summary.rows);
    // A second cancel is a conflict; deleting removes it and its rows.
    expect((await as(adminA, "POST", `/admin/evaluations/${id}/cancel`)).status).toBe(409);
    const deleted = await as(adminA, "DELETE", `/admin/evaluations/${id}`);
    expect(deleted.json).toEqual({ id, object: "evaluation.deleted", deleted: true });
    expect((await as(adminA, "GET", `/admin/evaluations/${id}`)).status).toBe(404);
    expect(await gateway.evaluations.store.results(id, { limit: 10, offset: 0 })).toEqual([]);
  });
});
