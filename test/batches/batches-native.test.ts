import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";
import { readResults, uploadBatchFile, waitForBatch } from "./helpers.js";

const MASTER = "sk-master-native-batches";

const line = (customId: string, model: string, content: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ custom_id: customId, method: "POST", url: "/v1/chat/completions", body: { model, messages: [{ role: "user", content }], ...extra } });

const configFor = (openai: OpenaiEmulator, plain: OpenaiEmulator, pollMs: number, dataDir?: string) => ({
  ...(dataDir && { server: { data_dir: dataDir } }),
  providers: {
    // OpenAI itself would have native_batches on by default; the emulator is at another URL.
    oa: { type: "openai", base_url: openai.baseURL, api_key: "sk-upstream", native_batches: true },
    plain: { type: "openai", base_url: plain.baseURL, api_key: "none" },
  },
  models: {
    mini: { routes: [{ provider: "oa", model: "gpt-4o-mini" }] },
    pricey: { routes: [{ provider: "oa", model: "expensive-model" }] },
    "plain-mini": { routes: [{ provider: "plain", model: "gpt-4o-mini" }] },
  },
  pricing: { "oa/expensive-model": { input: 1_000_000, output: 1_000_000, batch_discount: 0.5 } },
  batches: { poll_interval_ms: pollMs },
});

const upstreamChats = (emulator: OpenaiEmulator) => emulator.requests.filter((request) => request.path.endsWith("/chat/completions")).length;

describe("/v1/batches delegated to OpenAI's Batch API (emulator)", () => {
  let openai: OpenaiEmulator;
  let plain: OpenaiEmulator;
  let gateway: RunningGateway;
  let client: OpenAI;

  beforeAll(async () => {
    openai = await startOpenaiEmulator({ apiKey: "sk-upstream" });
    plain = await startOpenaiEmulator();
    gateway = await startGateway(configFor(openai, plain, 20), { env: { SWITCHYARD_MASTER_KEY: MASTER } });
    client = new OpenAI({ baseURL: gateway.baseURL, apiKey: MASTER, maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all([openai?.close(), plain?.close()]);
  });

  it("sends the batch upstream, returns the provider's answers as its own, metered at batch prices", async () => {
    const before = openai.batchApi.batches.size;
    const input = await uploadBatchFile(client, [line("n1", "mini", "native one"), "not json", line("n2", "mini", "native two")]);
    const created = await client.batches.create({ input_file_id: input, endpoint: "/v1/chat/completions", completion_window: "24h" });
    const batch = await waitForBatch(client, created.id);
    expect(batch.status).toBe("completed");
    expect(batch.request_counts).toEqual({ total: 3, completed: 2, failed: 1 });
    expect((batch as unknown as { switchyard: Record<string, unknown> }).switchyard).toMatchObject({ execution: "delegated", provider: "oa", upstream_batch_id: expect.stringMatching(/^batch_/) });

    expect(openai.batchApi.batches.size).toBe(before + 1);
    expect(upstreamChats(openai)).toBe(0);
    const upstreamBatch = [...openai.batchApi.batches.values()].at(-1)!;
    const sent = openai.batchApi.files.get(upstreamBatch.input_file_id)!.content.trim().split("\n").map((text) => JSON.parse(text));
    expect(sent.map((item) => [item.custom_id, item.body.model])).toEqual([["n1", "gpt-4o-mini"], ["n2", "gpt-4o-mini"]]);

    const output = await readResults(client, batch.output_file_id);
    expect(output.map((item) => item.custom_id)).toEqual(["n1", "n2"]);
    expect(output[0]!.response).toMatchObject({ status_code: 200, body: { model: "mini", choices: [{ message: { content: "You said: native one" } }] } });
    const errors = await readResults(client, batch.error_file_id);
    expect(errors).toEqual([expect.objectContaining({ custom_id: null, error: expect.objectContaining({ code: "invalid_json_line" }) })]);

    await gateway.control.ledger.flush();
    const rows = await gateway.control.storage.db.selectFrom("usage_records").selectAll().where("model", "=", "mini").execute();
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      const list = (Number(row.input_tokens) * 0.15 + Number(row.output_tokens) * 0.6) / 1_000_000;
      expect(Number(row.cost_usd)).toBeCloseTo(list / 2, 12);
      expect(row.provider).toBe("oa");
    }
  });

  it("says in the catalog which models get batch prices", async () => {
    const models = await client.models.list();
    const byId = new Map(models.data.map((model) => [model.id, model as unknown as { pricing?: Record<string, number> }]));
    expect(byId.get("mini")!.pricing).toMatchObject({ input: 0.15, output: 0.6, batch_discount: 0.5, batch_input: 0.075, batch_output: 0.3 });
    // The same model through a server without a batch API: list prices only.
    expect(byId.get("plain-mini")!.pricing).toMatchObject({ input: 0.15, output: 0.6 });
    expect(byId.get("plain-mini")!.pricing!.batch_discount).toBeUndefined();
  });

  it("runs a batch of mixed models on the gateway instead", async () => {
    const input = await uploadBatchFile(client, [line("m1", "mini", "mixed one"), line("m2", "plain-mini", "mixed two")]);
    const before = openai.batchApi.batches.size;
    const batch = await waitForBatch(client, (await client.batches.create({ input_file_id: input, endpoint: "/v1/chat/completions", completion_window: "24h" })).id);
    expect(batch.request_counts).toEqual({ total: 2, completed: 2, failed: 0 });
    expect(openai.batchApi.batches.size).toBe(before);
    expect((batch as unknown as { switchyard: Record<string, unknown> }).switchyard).toEqual({ execution: "gateway" });
  });

  it("fails over-budget lines before sending; the rest go upstream", async () => {
    const project = await gateway.control.projects.create({ name: "native-budget" });
    const { secret } = await gateway.control.keys.create(project.id, { limits: { budgetDailyUsd: 30 } });
    const budgeted = new OpenAI({ baseURL: gateway.baseURL, apiKey: secret, maxRetries: 0 });
    const input = await uploadBatchFile(budgeted, Array.from({ length: 6 }, (_, index) => line(`b${index}`, "pricey", `budget ${index}`, { max_tokens: 5 })));
    const batch = await waitForBatch(budgeted, (await budgeted.batches.create({ input_file_id: input, endpoint: "/v1/chat/completions", completion_window: "24h" })).id);
    const output = await readResults(budgeted, batch.output_file_id);
    const errors = await readResults(budgeted, batch.error_file_id);
    expect(output.length).toBeGreaterThan(0);
    expect(errors.length).toBeGreaterThan(0);
    expect(output.length + errors.length).toBe(6);
    for (const item of errors) expect(item.response).toMatchObject({ status_code: 429, body: { error: { code: "SWY_ERR_BUDGET_EXCEEDED" } } });
    const upstreamBatch = [...openai.batchApi.batches.values()].at(-1)!;
    expect(openai.batchApi.files.get(upstreamBatch.input_file_id)!.content.trim().split("\n")).toHaveLength(output.length);
  });
});

describe("a delegated batch across a restart, and its cancel", () => {
  let openai: OpenaiEmulator;
  let plain: OpenaiEmulator;
  let dataDir: string;

  beforeAll(async () => {
    openai = await startOpenaiEmulator({ apiKey: "sk-upstream" });
    plain = await startOpenaiEmulator();
    dataDir = mkdtempSync(join(tmpdir(), "swy-native-restart-"));
  });
  afterAll(async () => {
    await Promise.all([openai?.close(), plain?.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("keeps polling the same upstream batch after a restart: nothing is uploaded or created twice", async () => {
    // A poll interval longer than the test: the first process never sees the upstream batch finish.
    const first = await startGateway(configFor(openai, plain, 600_000, dataDir), { env: { SWITCHYARD_MASTER_KEY: MASTER } });
    let client = new OpenAI({ baseURL: first.baseURL, apiKey: MASTER, maxRetries: 0 });
    const input = await uploadBatchFile(client, [line("r1", "mini", "resume one"), line("r2", "mini", "resume two")]);
    const created = await client.batches.create({ input_file_id: input, endpoint: "/v1/chat/completions", completion_window: "24h" });
    await waitForBatch(client, created.id, 30_000, (batch) => Boolean((batch as unknown as { switchyard: { upstream_batch_id: string | null } }).switchyard.upstream_batch_id));
    await first.close();
    const uploads = openai.requests.filter((request) => request.method === "POST" && request.path === "/v1/files").length;
    expect(openai.batchApi.batches.size).toBe(1);

    const second = await startGateway(configFor(openai, plain, 20, dataDir), { env: { SWITCHYARD_MASTER_KEY: MASTER } });
    try {
      client = new OpenAI({ baseURL: second.baseURL, apiKey: MASTER, maxRetries: 0 });
      const batch = await waitForBatch(client, created.id);
      expect(batch.status).toBe("completed");
      expect(batch.request_counts).toEqual({ total: 2, completed: 2, failed: 0 });
      expect(openai.batchApi.batches.size).toBe(1);
      expect(openai.requests.filter((request) => request.method === "POST" && request.path === "/v1/files").length).toBe(uploads);

      openai.batchApi.hold = true;
      const slow = await uploadBatchFile(client, [line("c1", "mini", "cancel one")]);
      const toCancel = await client.batches.create({ input_file_id: slow, endpoint: "/v1/chat/completions", completion_window: "24h" });
      expect((await client.batches.cancel(toCancel.id)).status).toBe("cancelling");
      const cancelled = await waitForBatch(client, toCancel.id);
      openai.batchApi.hold = false;
      expect(cancelled.status).toBe("cancelled");
      expect([...openai.batchApi.batches.values()].at(-1)!.status).toBe("cancelled");
      const errors = await readResults(client, cancelled.error_file_id);
      expect(errors).toEqual([expect.objectContaining({ custom_id: "c1", response: null, error: expect.objectContaining({ code: "batch_cancelled" }) })]);
    } finally {
      await second.close();
    }
  });
});
