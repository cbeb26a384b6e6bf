import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";
import { additionRows, emulatedModels } from "./helpers.js";

/**
 * Ratings per A/B variant of a deployment (two variants of the same upstream model, told apart by
 * the variant recorded on the usage row), and a deployment evaluated like any model.
 */
const MASTER = "sk-master-variants";
let upstream: OpenaiEmulator;
let gateway: RunningGateway;
let projectId: string;
let key: string;
let admin: string;
let other: string;

async function as(bearer: string, method: "GET" | "POST" | "PUT", url: string, payload?: unknown) {
  const response = await gateway.server.inject({ method, url, headers: { authorization: `Bearer ${bearer}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: response.statusCode, json: response.json(), headers: response.headers };
}

beforeAll(async () => {
  upstream = await startOpenaiEmulator({ reply: emulatedModels });
  gateway = await startGateway(
    { providers: { up: { type: "openai", base_url: upstream.baseURL, api_key: "none" } }, models: { strong: { routes: [{ provider: "up", model: "gpt-4o" }] } } },
    { env: { SWITCHYARD_MASTER_KEY: MASTER } },
  );
  projectId = (await as(MASTER, "POST", "/admin/projects", { name: "variants" })).json.id;
  key = (await as(MASTER, "POST", "/admin/keys", { project_id: projectId })).json.key;
  admin = (await as(MASTER, "POST", "/admin/keys", { project_id: projectId, role: "admin" })).json.key;
  const saved = await as(admin, "PUT", "/admin/deployments/support", {
    variants: [
      { name: "terse", model: "strong", weight: 1, system_prompt: "Answer with the number only." },
      { name: "chatty", model: "strong", weight: 1, system_prompt: "Explain at length." },
    ],
  });
  expect(saved.status, JSON.stringify(saved.json)).toBe(200);
  other = (await as(MASTER, "POST", "/admin/projects", { name: "variants-other" })).json.id;
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});

describe("ratings per deployment variant", () => {
  it("groups ratings by the variant that answered, the same upstream model notwithstanding", async () => {
    const seen = new Map<string, number>();
    // Sticky per user: different users land on both variants.
    for (let user = 0; user < 24; user++) {
      const reply = await as(key, "POST", "/v1/chat/completions", { model: "support", user: `user-${user}`, messages: [{ role: "user", content: "What is 2 plus 3?" }] });
      expect(reply.status).toBe(200);
      const label = String(reply.headers["x-switchyard-deployment"]);
      seen.set(label, (seen.get(label) ?? 0) + 1);
      // Users rate the terse variant up and the chatty one down.
      const score = label.endsWith(":terse") ? 1 : 0;
      expect((await as(key, "POST", "/v1/feedback", { request_id: String(reply.headers["x-request-id"]), score })).status).toBe(200);
    }
    expect([...seen.keys()].sort()).toEqual(["support@v1:chatty", "support@v1:terse"]);
    const byVariant = await as(admin, "GET", "/admin/feedback/summary?group_by=variant");
    expect(byVariant.status).toBe(200);
    expect(byVariant.json.data.map((group: any) => [group.model, group.variant, group.count, group.mean])).toEqual([
      ["support", "support@v1:chatty", seen.get("support@v1:chatty"), 0],
      ["support", "support@v1:terse", seen.get("support@v1:terse"), 1],
    ]);
    const byModel = await as(admin, "GET", "/admin/feedback/summary");
    expect(byModel.json.data).toMatchObject([{ model: "support", count: 24 }]);
  });

  it("evaluates a deployment next to a model", async () => {
    const record = await gateway.evaluations.run({ dataset: { rows: additionRows(4) }, models: ["support", "strong"], scorers: [{ type: "exact_match" }] }, projectId);
    expect(record.status).toBe("completed");
    expect(record.summary!.models.map((model) => [model.model, model.rows, model.errors])).toEqual([
      ["support", 4, 0],
      ["strong", 4, 0],
    ]);
    expect(record.summary!.models[0]!.cost.per_request_usd).toBeGreaterThan(0);
    // The deployment's system prompt went upstream with the evaluation's prompt.
    // Another project cannot evaluate this project's deployment: to it the name does not exist.
    await expect(gateway.evaluations.run({ dataset: { rows: additionRows(1) }, models: ["support", "strong"], scorers: [{ type: "exact_match" }] }, other)).rejects.toThrow(/'support' does not exist/);
    const upstreamSaw = upstream.requests.filter((request) => JSON.stringify(request.body).includes("What is 1 plus 3?"));
    expect(upstreamSaw.some((request) => JSON.stringify(request.body).match(/Answer with the number only|Explain at length/))).toBe(true);
  });
});
