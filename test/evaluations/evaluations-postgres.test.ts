import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";
import { startPostgres, type PostgresServer } from "../helpers/postgres.js";
import { additionRows, emulatedModels } from "./helpers.js";

const MASTER = "sk-master-evaluations-postgres";

/** Evaluations on PostgreSQL with two nodes: stored once, read from either, cancelled from the other node. */
describe("evaluations on PostgreSQL, two nodes", () => {
  let postgres: PostgresServer;
  let emulator: OpenaiEmulator;
  let a: RunningGateway;
  let b: RunningGateway;
  const dirs: string[] = [];

  const as = async (node: RunningGateway, method: "GET" | "POST", url: string, payload?: unknown) => {
    const response = await node.server.inject({ method, url, headers: { authorization: `Bearer ${MASTER}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: response.statusCode, json: response.json() };
  };

  beforeAll(async () => {
    postgres = await startPostgres();
    emulator = await startOpenaiEmulator({ reply: emulatedModels, latencyMs: 60 });
    const url = await postgres.createDatabase();
    const node = () => {
      const dataDir = mkdtempSync(join(tmpdir(), "swy-eval-pg-"));
      dirs.push(dataDir);
      return startGateway(
        {
          server: { data_dir: dataDir },
          database: { url },
          providers: { up: { type: "openai", base_url: emulator.baseURL, api_key: "none" } },
          models: { strong: { routes: [{ provider: "up", model: "gpt-4o" }] }, weak: { routes: [{ provider: "up", model: "gpt-4o-mini" }] }, judge: { routes: [{ provider: "up", model: "gpt-4.1" }] } },
        },
        { env: { SWITCHYARD_MASTER_KEY: MASTER } },
      );
    };
    a = await node();
    b = await node();
  }, 90_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await emulator?.close();
    await postgres?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("stores an evaluation that either node reads, with its summary and rows", async () => {
    const record = await a.evaluations.run(
      { name: "pg", dataset: { rows: additionRows(3) }, models: ["strong", "weak"], scorers: [{ type: "exact_match" }, { type: "llm_judge", model: "judge", mode: "pairwise" }] },
      "default",
    );
    expect(record.status).toBe("completed");
    const fromB = await as(b, "GET", `/admin/evaluations/${record.id}`);
    expect(fromB.status).toBe(200);
    expect(fromB.json.summary.models[0]).toMatchObject({ model: "strong", scores: { exact_match: { mean: 1 } } });
    expect(fromB.json.summary.models[1].win_rate.mean).toBe(0);
    const rows = await as(b, "GET", `/admin/evaluations/${record.id}/rows`);
    expect(rows.json.data).toHaveLength(6);
    expect(typeof rows.json.data[0].cost_usd).toBe("number");
    expect((await as(b, "GET", "/admin/evaluations")).json.data.map((item: any) => item.id)).toContain(record.id);
  });

  it("cancels from the other node: the running node stops calling", async () => {
    const started = await as(a, "POST", "/admin/evaluations", { dataset: { rows: additionRows(60) }, models: ["strong", "weak"], scorers: [{ type: "exact_match" }] });
    expect(started.status).toBe(200);
    const id = started.json.id;
    const deadline = Date.now() + 30_000;
    while ((await as(b, "GET", `/admin/evaluations/${id}`)).json.progress.done < 4) {
      if (Date.now() > deadline) throw new Error("no progress seen from node B");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await as(b, "POST", `/admin/evaluations/${id}/cancel`)).json.status).toBe("cancelled");
    let record = (await as(b, "GET", `/admin/evaluations/${id}`)).json;
    while (record.summary === null) {
      if (Date.now() > deadline) throw new Error("node A never noticed the cancel");
      await new Promise((resolve) => setTimeout(resolve, 50));
      record = (await as(b, "GET", `/admin/evaluations/${id}`)).json;
    }
    expect(record.status).toBe("cancelled");
    expect(record.summary.rows).toBeLessThan(60);
    const sent = emulator.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(emulator.requests.length).toBe(sent);
  });
});
