import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";

/**
 * Datasets from traffic and the ratings summary, through the real app: stored requests of one
 * model rated >= 0.8 become a deduplicated, PII-checked, seeded train/validation split stored as
 * the project's fine-tune files.
 */
const MASTER = "sk-master-datasets";
let upstream: OpenaiEmulator;
let gateway: RunningGateway;
let projectA: string;
let projectB: string;
let keyA: string;
let adminA: string;
let adminB: string;

async function as(key: string, method: "GET" | "POST" | "PUT", url: string, payload?: unknown) {
  const response = await gateway.server.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: response.statusCode, json: response.json(), body: response.body };
}

async function chatAndRate(model: string, text: string, score: number): Promise<string> {
  const response = await gateway.server.inject({
    method: "POST",
    url: "/v1/chat/completions",
    headers: { authorization: `Bearer ${keyA}` },
    payload: { model, messages: [{ role: "system", content: "Answer in one line." }, { role: "user", content: text }] },
  });
  expect(response.statusCode, response.body).toBe(200);
  const requestId = String(response.headers["x-request-id"]);
  const rating = await gateway.server.inject({ method: "POST", url: "/v1/feedback", headers: { authorization: `Bearer ${keyA}` }, payload: { request_id: requestId, score } });
  expect(rating.statusCode, rating.body).toBe(200);
  return requestId;
}

async function fileLines(fileId: string, key = keyA): Promise<Array<{ messages: Array<{ role: string; content: string }> }>> {
  const response = await gateway.server.inject({ method: "GET", url: `/v1/files/${fileId}/content`, headers: { authorization: `Bearer ${key}` } });
  expect(response.statusCode).toBe(200);
  return response.body
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { messages: Array<{ role: string; content: string }> });
}

beforeAll(async () => {
  upstream = await startOpenaiEmulator();
  gateway = await startGateway(
    {
      providers: { up: { type: "openai", base_url: upstream.baseURL, api_key: "none" } },
      models: { strong: { routes: [{ provider: "up", model: "gpt-4o" }] }, weak: { routes: [{ provider: "up", model: "gpt-4o-mini" }] } },
      guardrails: { input: { email: "mask", credit_card: "allow" } },
    },
    { env: { SWITCHYARD_MASTER_KEY: MASTER } },
  );
  projectA = (await as(MASTER, "POST", "/admin/projects", { name: "datasets-a" })).json.id;
  projectB = (await as(MASTER, "POST", "/admin/projects", { name: "datasets-b" })).json.id;
  keyA = (await as(MASTER, "POST", "/admin/keys", { project_id: projectA })).json.key;
  adminA = (await as(MASTER, "POST", "/admin/keys", { project_id: projectA, role: "admin" })).json.key;
  adminB = (await as(MASTER, "POST", "/admin/keys", { project_id: projectB, role: "admin" })).json.key;
  expect((await as(adminA, "PUT", `/admin/projects/${projectA}/logging`, { store_requests: true })).status).toBe(200);

  for (let index = 1; index <= 5; index++) await chatAndRate("strong", `What is ${index} squared? Show the step.`, 0.9);
  await chatAndRate("strong", "What is 1 squared? Show the step.", 0.95); // a duplicate of the first
  await chatAndRate("strong", "Charge the card 4242 4242 4242 4242 for the order.", 0.9); // PII the input policy let through
  await chatAndRate("strong", "Email the summary to lee@example.com please.", 0.85); // masked: kept with its placeholder
  await chatAndRate("strong", "A poor answer we rated low.", 0.3);
  await chatAndRate("weak", "What is 2 squared? Show the step.", 0.9);
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});

describe("datasets from logs", () => {
  let first: { training_file: string; validation_file: string; counts: Record<string, unknown> };

  it("builds a deduplicated, re-checked, split chat dataset as the project's fine-tune files", async () => {
    const built = await as(adminA, "POST", "/admin/datasets/from-logs", { model: "strong", min_score: 0.8, last_days: 7, validation_fraction: 0.2, seed: 7, name: "squares" });
    expect(built.status, built.body).toBe(200);
    first = built.json;
    expect(built.json.project_id).toBe(projectA);
    expect(built.json.counts).toEqual({ matched: 8, unusable: 0, duplicates: 1, pii_dropped: 1, pii_categories: { credit_card: 1 }, kept: 6, truncated: false, train: 5, validation: 1 });
    const train = await fileLines(built.json.training_file);
    const validation = await fileLines(built.json.validation_file);
    expect(train).toHaveLength(5);
    expect(validation).toHaveLength(1);
    const all = [...train, ...validation];
    for (const example of all) {
      expect(example.messages.map((message) => message.role)).toEqual(["system", "user", "assistant"]);
      expect(example.messages[2]!.content).toBe(`You said: ${example.messages[1]!.content}`);
    }
    const prompts = all.map((example) => example.messages[1]!.content).sort();
    expect(prompts).toContain("Email the summary to [EMAIL_1] please.");
    expect(JSON.stringify(all)).not.toContain("lee@example.com");
    expect(JSON.stringify(all)).not.toContain("4242");
    expect(prompts.filter((prompt) => prompt === "What is 1 squared? Show the step.")).toHaveLength(1);
    const files = (await as(keyA, "GET", "/v1/files?purpose=fine-tune")).json.data.map((file: { id: string; filename: string; dataset?: { valid: boolean } }) => file);
    const stored = files.find((file: { id: string }) => file.id === built.json.training_file);
    expect(stored).toMatchObject({ filename: "squares-train.jsonl", purpose: "fine-tune", dataset: { valid: true, format: "chat" } });
  });

  it("gives the same split for the same seed, and another for another seed", async () => {
    const again = await as(adminA, "POST", "/admin/datasets/from-logs", { model: "strong", min_score: 0.8, validation_fraction: 0.2, seed: 7 });
    expect(await fileLines(again.json.validation_file)).toEqual(await fileLines(first.validation_file));
    const validations = new Set<string>();
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const other = await as(adminA, "POST", "/admin/datasets/from-logs", { model: "strong", min_score: 0.8, validation_fraction: 0.2, seed });
      validations.add(JSON.stringify(await fileLines(other.json.validation_file)));
    }
    expect(validations.size).toBeGreaterThan(1);
  });

  it("refuses a query that matches nothing, and an empty or PII-laden result, with counts", async () => {
    const none = await as(adminA, "POST", "/admin/datasets/from-logs", { model: "no-such-model" });
    expect(none.status).toBe(400);
    expect(none.json.error.message).toMatch(/No stored request/);
    expect(none.json.error.counts.matched).toBe(0);
    const onlyPii = await as(adminA, "POST", "/admin/datasets/from-logs", { q: "card order" });
    expect(onlyPii.status).toBe(400);
    expect(onlyPii.json.error.counts).toMatchObject({ matched: 1, pii_dropped: 1, kept: 0 });
    const refused = await as(adminA, "POST", "/admin/datasets/from-logs", { model: "strong", on_pii: "refuse" });
    expect(refused.status).toBe(400);
    expect(refused.json.error.param).toBe("on_pii");
    expect(refused.json.error.counts.pii_categories).toEqual({ credit_card: 1 });
    const allowed = await as(adminA, "POST", "/admin/datasets/from-logs", { q: "card order", allow_categories: ["credit_card"] });
    expect(allowed.status).toBe(200);
    expect(allowed.json.counts).toMatchObject({ kept: 1, train: 1, validation: 0 });
    expect(allowed.json.validation_file).toBeNull();
  });

  it("keeps to the caller's project", async () => {
    expect((await as(adminB, "POST", "/admin/datasets/from-logs", { project_id: projectA })).status).toBe(404);
    const own = await as(adminB, "POST", "/admin/datasets/from-logs", {});
    expect(own.status).toBe(400);
    expect(own.json.error.counts.matched).toBe(0);
    const read = await gateway.server.inject({ method: "GET", url: `/v1/files/${first.training_file}`, headers: { authorization: `Bearer ${adminB}` } });
    expect(read.statusCode).toBe(404);
    expect((await as(keyA, "POST", "/admin/datasets/from-logs", {})).status).toBe(403);
  });

  it("answers bad input with a 400 naming the field", async () => {
    const cases: Array<[unknown, string]> = [
      [{ validation_fraction: 0.9 }, "validation_fraction"],
      [{ min_score: 2 }, "min_score"],
      [{ surprise: true }, ""],
      [{ allow_categories: ["nonsense"] }, "allow_categories"],
      [{ from: "yesterday" }, "from"],
      [{ from: 1000, last_days: 3 }, "last_days"],
      [{ q: "!!!" }, "q"],
      [{ name: "../etc" }, "name"],
    ];
    for (const [payload, param] of cases) {
      const response = await as(adminA, "POST", "/admin/datasets/from-logs", payload);
      expect(response.status, JSON.stringify(payload)).toBe(400);
      if (param) expect(response.json.error.param, JSON.stringify(payload)).toBe(param);
    }
  });
});

describe("ratings summary", () => {
  it("aggregates ratings per model and per variant with a confidence interval", async () => {
    const summary = await as(MASTER, "GET", `/admin/feedback/summary?project_id=${projectA}`);
    expect(summary.status, summary.body).toBe(200);
    const strong = summary.json.data.find((group: { model: string }) => group.model === "strong");
    const scores = [0.9, 0.9, 0.9, 0.9, 0.9, 0.95, 0.9, 0.85, 0.3];
    const mean = scores.reduce((sum, score) => sum + score, 0) / scores.length;
    expect(strong.count).toBe(scores.length);
    expect(strong.mean).toBeCloseTo(mean, 10);
    expect(strong.ci95[0]).toBeLessThan(mean);
    expect(strong.ci95[1]).toBeGreaterThan(mean);
    expect(summary.json.data.find((group: { model: string }) => group.model === "weak")).toMatchObject({ count: 1, mean: 0.9, ci95: null });
    const variants = await as(adminA, "GET", "/admin/feedback/summary?group_by=variant");
    expect(variants.json.data.map((group: { model: string; variant: string }) => `${group.model} ${group.variant}`)).toEqual(["strong up/gpt-4o", "weak up/gpt-4o-mini"]);
    expect((await as(adminB, "GET", "/admin/feedback/summary")).json.data).toEqual([]);
    expect((await as(adminB, "GET", `/admin/feedback/summary?project_id=${projectA}`)).status).toBe(404);
    expect((await as(MASTER, "GET", "/admin/feedback/summary?group_by=tier")).status).toBe(400);
  });
});
