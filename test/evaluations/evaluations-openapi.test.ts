import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";
import { additionRows, emulatedModels } from "./helpers.js";

const MASTER = "evaluations-openapi-master";

type Operation = { requestBody?: { content: Record<string, { schema: { $ref: string } }> }; responses: Record<string, { content?: Record<string, { schema?: { $ref: string } }> }> };

/** Every `/admin/evaluations` answer (and the accepted create body) matches what /openapi.json documents. */
describe("evaluations in the OpenAPI document", () => {
  let upstream: OpenaiEmulator;
  let gateway: RunningGateway;
  let paths: Record<string, Record<string, Operation>>;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);

  const validate = (reference: string, value: unknown) => {
    const check = ajv.compile({ $ref: `openapi.json${reference}` });
    if (!check(value)) throw new Error(`${reference}: ${ajv.errorsText(check.errors)}\n${JSON.stringify(value).slice(0, 500)}`);
  };
  const exercise = async (method: string, template: string, path: string, body?: unknown) => {
    const response = await gateway.server.inject({ method: method.toUpperCase() as "GET", url: path, headers: { authorization: `Bearer ${MASTER}` }, ...(body === undefined ? {} : { payload: body as object }) });
    expect(response.statusCode, response.body).toBe(200);
    const operation = paths[template]?.[method];
    expect(operation, `${method} ${template} is documented`).toBeDefined();
    validate(operation!.responses["200"]!.content!["application/json"]!.schema!.$ref, response.json());
    if (body !== undefined) validate(operation!.requestBody!.content["application/json"]!.schema.$ref, body);
    return response.json();
  };

  beforeAll(async () => {
    upstream = await startOpenaiEmulator({ reply: emulatedModels });
    gateway = await startGateway(
      { providers: { up: { type: "openai", base_url: upstream.baseURL, api_key: "none" } }, models: { strong: { routes: [{ provider: "up", model: "gpt-4o" }] }, weak: { routes: [{ provider: "up", model: "gpt-4o-mini" }] }, judge: { routes: [{ provider: "up", model: "gpt-4.1" }] } } },
      { env: { SWITCHYARD_MASTER_KEY: MASTER } },
    );
    const document = (await (await fetch(`${gateway.url}/openapi.json`)).json()) as { paths: typeof paths };
    paths = document.paths;
    ajv.addSchema(document, "openapi.json");
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it("documents every route with the shapes it answers", async () => {
    const body = {
      name: "documented",
      project_id: "default",
      dataset: { rows: additionRows(3) },
      models: ["strong", "weak"],
      scorers: [{ type: "exact_match" }, { type: "llm_judge", model: "judge", mode: "absolute" }, { type: "llm_judge", model: "judge", mode: "pairwise" }],
    };
    const created = await exercise("post", "/admin/evaluations", "/admin/evaluations", body);
    const id = created.id as string;
    const deadline = Date.now() + 30_000;
    while ((await gateway.evaluations.get(id))?.summary == null) {
      if (Date.now() > deadline) throw new Error("evaluation did not finish");
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const record = await exercise("get", "/admin/evaluations/{id}", `/admin/evaluations/${id}`);
    expect(record.summary.models).toHaveLength(2);
    await exercise("get", "/admin/evaluations", "/admin/evaluations");
    await exercise("get", "/admin/evaluations/{id}/rows", `/admin/evaluations/${id}/rows`);
    // A running one to cancel.
    const running = await gateway.evaluations.start({ dataset: { rows: additionRows(30) }, models: ["strong", "weak"], scorers: [{ type: "llm_judge", model: "judge" }] }, "default");
    await exercise("post", "/admin/evaluations/{id}/cancel", `/admin/evaluations/${running.record.id}/cancel`);
    await running.done;
    await exercise("delete", "/admin/evaluations/{id}", `/admin/evaluations/${id}`);
  });
});
