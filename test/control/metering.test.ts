import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayContext } from "../../src/gateway/context.js";
import { PriceBook } from "../../src/control/pricing/price-book.js";
import { StreamMeter } from "../../src/control/usage/stream-meter.js";
import type { StreamPart } from "../../src/core/types.js";
import { startControlFixture, type ControlFixture } from "./control-fixture.js";
import { seededRandom } from "../helpers/seeded-random.js";

async function newKey(fx: ControlFixture, project: string, extra: Record<string, unknown> = {}) {
  const created = await fx.admin("POST", "/admin/projects", { name: project });
  const key = await fx.admin("POST", "/admin/keys", { project_id: created.json.id, name: `${project}-key`, ...extra });
  return { projectId: created.json.id as string, keyId: key.json.id as string, secret: key.json.key as string };
}

describe("metering", () => {
  let fx: ControlFixture;

  beforeAll(async () => {
    // A long flush interval: rows reach the database only when a test flushes, so the hot path can be observed alone.
    // The background rounds that share the database (batch leases, the promotion monitor, the cluster reconcile)
    // are spaced out too, so a slow machine never sees one of theirs among the request path's queries.
    fx = await startControlFixture({
      control: { usage_flush_ms: 600_000, key_cache_ms: 600_000 },
      batches: { lease_ms: 1_800_000 },
      promotions: { monitor_ms: 600_000 },
      cluster: { reconcile_ms: 0 },
    });
  });
  afterAll(async () => {
    await fx?.close();
  });

  it("records one row per request with provider-reported tokens, price-catalog cost, route and timing", async () => {
    const { projectId, keyId, secret } = await newKey(fx, "meter");
    const response = await fx.chat(secret, { messages: [{ role: "user", content: "count these five words" }] });
    expect(response.status).toBe(200);
    const streamed = await fx.gateway.server.inject({
      method: "POST",
      url: "/v1/chat/completions",
      headers: { authorization: `Bearer ${secret}` },
      payload: { model: "cheap", stream: true, messages: [{ role: "user", content: "stream me" }] },
    });
    expect(streamed.statusCode).toBe(200);
    fx.emulator.faults.push({ kind: "status", status: 500, message: "boom" });
    const failed = await fx.chat(secret);
    expect(failed.status).toBe(502);
    await fx.gateway.control.ledger.flush();

    const records = await fx.admin("GET", `/admin/usage/records?key_id=${keyId}`);
    const rows = records.json.data as Array<Record<string, any>>;
    expect(rows).toHaveLength(3);
    const plain = rows.find((row) => row.model === "gpt-4o" && row.status === "success")!;
    const usage = response.json.usage;
    expect(plain).toMatchObject({
      key_id: keyId,
      project_id: projectId,
      api: "openai",
      provider: "up",
      provider_type: "openai",
      upstream_model: "gpt-4o",
      input_tokens: usage.prompt_tokens,
      output_tokens: usage.completion_tokens,
      estimated: false,
      http_status: 200,
      stream: false,
      error_code: null,
    });
    expect(plain.cost_usd).toBeCloseTo((usage.prompt_tokens * 2.5 + usage.completion_tokens * 10) / 1e6, 12);
    const stream = rows.find((row) => row.model === "cheap")!;
    expect(stream).toMatchObject({ stream: true, status: "success", upstream_model: "gpt-4o-mini", estimated: false });
    expect(stream.ttft_ms).toBeTypeOf("number");
    expect(stream.cost_usd).toBeGreaterThan(0);
    const error = rows.find((row) => row.status === "error")!;
    expect(error).toMatchObject({ http_status: 502, error_code: "SWY_ERR_UPSTREAM_ERROR", cost_usd: 0 });
    // Row ids begin with the time the request started (so new rows land at the end of the primary-key
    // index); the gateway's request ids begin with the time they were made.
    const digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    const timeOf = (id: string) => [...id.slice(4, 12)].reduce((value, digit) => value * 62 + digits.indexOf(digit), 0);
    for (const row of rows) {
      expect(timeOf(row.id)).toBe(row.created_at);
      expect(Math.abs(timeOf(row.request_id) - row.created_at)).toBeLessThan(60_000);
    }
  });

  it("records a mid-stream failure once, and a client that hangs up as aborted", async () => {
    const { keyId, secret } = await newKey(fx, "stream-ends");
    fx.emulator.faults.push({ kind: "error-event", afterEvents: 2, message: "overloaded" });
    const broken = await fx.gateway.server.inject({
      method: "POST",
      url: "/v1/chat/completions",
      headers: { authorization: `Bearer ${secret}` },
      payload: { model: "gpt-4o", stream: true, messages: [{ role: "user", content: "one two three four five six seven eight" }] },
    });
    expect(broken.body).toContain('"error"');

    fx.emulator.options.eventDelayMs = 200;
    fx.emulator.options.chunkSize = 1;
    try {
      const controller = new AbortController();
      const response = await fetch(`${fx.gateway.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "a long answer please" }] }),
        signal: controller.signal,
      });
      const reader = response.body!.getReader();
      await reader.read();
      controller.abort();
      await reader.closed.catch(() => undefined);
      for (let attempt = 0; attempt < 100 && fx.emulator.aborted === 0; attempt++) await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      fx.emulator.options.eventDelayMs = 0;
      fx.emulator.options.chunkSize = undefined;
    }
    // The hang-up's row is written once the gateway has finished the request, which may be just after
    // the upstream saw its request end: read (flushing first) until both rows are there, with a deadline.
    let rows: Array<Record<string, unknown>> = [];
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 50))) {
      await fx.gateway.control.ledger.flush();
      rows = (await fx.admin("GET", `/admin/usage/records?key_id=${keyId}`)).json.data as Array<Record<string, unknown>>;
      if (rows.length >= 2) break;
    }
    expect(rows.map((row) => row.status).sort()).toEqual(["aborted", "error"]);
    expect(rows.find((row) => row.status === "error")).toMatchObject({ stream: true, provider: "up" });
    expect(rows.find((row) => row.status === "aborted")).toMatchObject({ http_status: 499 });
  });

  it("writes no database query on the request path once the key and its budget are known", async () => {
    const { keyId, secret } = await newKey(fx, "hot-path", { budgets: { daily_usd: 1000 }, rpm: 100_000 });
    const warm = await fx.chat(secret);
    expect(warm.json).toMatchObject({ object: "chat.completion" });
    await fx.gateway.control.ledger.flush();
    const queries: string[] = [];
    const stop = fx.gateway.control.storage.observeQueries((sql) => queries.push(sql));
    const results = await Promise.all(Array.from({ length: 30 }, () => fx.chat(secret)));
    expect(results.map((result) => result.status)).toEqual(Array(30).fill(200));
    expect(queries).toEqual([]);
    await fx.gateway.control.ledger.flush();
    stop();
    // Thirty rows, one batched insert.
    expect(queries.filter((sql) => /insert into "usage_records"/i.test(sql))).toHaveLength(1);
    const totals = await fx.admin("GET", `/admin/usage?key_id=${keyId}`);
    expect(totals.json.data[0].requests).toBe(31);
  });

  it("keeps each key to its own project's usage", async () => {
    const a = await newKey(fx, "iso-a");
    const b = await newKey(fx, "iso-b");
    for (const key of [a, a, b]) expect((await fx.chat(key.secret)).status).toBe(200);
    await fx.gateway.control.ledger.flush();

    const get = (secret: string, url: string) => fx.gateway.server.inject({ method: "GET", url, headers: { authorization: `Bearer ${secret}` } });
    const ownA = (await get(a.secret, "/v1/usage?group_by=project,key")).json();
    expect(ownA.data).toEqual([expect.objectContaining({ project_id: a.projectId, key_id: a.keyId, requests: 2 })]);
    const recordsA = (await get(a.secret, "/v1/usage/records")).json().data as Array<{ project_id: string }>;
    expect(recordsA.length).toBe(2);
    expect(new Set(recordsA.map((row) => row.project_id))).toEqual(new Set([a.projectId]));
    const other = await get(a.secret, `/v1/usage?project_id=${b.projectId}`);
    expect(other.statusCode).toBe(404);
    const otherKey = (await get(a.secret, `/v1/usage/records?key_id=${b.keyId}`)).json();
    expect(otherKey.data).toEqual([]);
    const admin = (await fx.admin("GET", "/admin/usage?group_by=project")).json.data as Array<{ project_id: string }>;
    expect(admin.map((row) => row.project_id)).toEqual(expect.arrayContaining([a.projectId, b.projectId]));
  });

  it("groups spend and tokens by day and model", async () => {
    const { secret, keyId } = await newKey(fx, "groups");
    await fx.chat(secret);
    await fx.chat(secret, { model: "cheap" });
    await fx.gateway.control.ledger.flush();
    const today = new Date().toISOString().slice(0, 10);
    const grouped = (await fx.admin("GET", `/admin/usage?key_id=${keyId}&group_by=day,model&from=${today}`)).json.data;
    expect(grouped.map((row: { day: string; model: string }) => [row.day, row.model])).toEqual([
      [today, "cheap"],
      [today, "gpt-4o"],
    ]);
    expect(grouped[1].cost_usd).toBeGreaterThan(grouped[0].cost_usd);
  });

  it("lists price and capabilities on /v1/models", async () => {
    const models = (await fx.admin("GET", "/v1/models")).json.data as Array<Record<string, any>>;
    const gpt4o = models.find((model) => model.id === "gpt-4o")!;
    expect(gpt4o).toMatchObject({
      context_length: 128_000,
      capabilities: { vision: true, tools: true, json: true },
      pricing: { currency: "USD", input: 2.5, output: 10, cached_input: 1.25 },
    });
  });
});

describe("token estimation when a provider reports no usage", () => {
  it("counts with the tokenizer and marks the row estimated", async () => {
    const context = {
      requestId: "r",
      api: "openai",
      operation: "chat",
      request: { model: "m", messages: [{ role: "user", content: [{ type: "text", text: "Hello there, how are you today?" }] }] },
      stream: false,
      signal: new AbortController().signal,
      startedAt: performance.now(),
      principal: { keyId: "k" },
      responseHeaders: {},
      attempts: [],
      state: new Map(),
      route: { provider: "openai", providerType: "openai", model: "gpt-4o" },
    } satisfies GatewayContext;
    const meter = StreamMeter.of(context, new PriceBook());
    async function* parts(): AsyncGenerator<StreamPart> {
      yield { type: "text-delta", text: "I am fine, thank you very much." };
      yield { type: "finish", reason: { unified: "stop" } };
    }
    for await (const part of meter.observe(parts())) void part;
    const measured = await meter.measure();
    expect(measured.estimated).toBe(true);
    // o200k_base: 9 tokens of reply text; the prompt is 8 tokens plus 4 of per-message framing.
    expect(measured.outputTokens).toBe(9);
    expect(measured.inputTokens).toBe(12);
    expect(measured.costUsd).toBeCloseTo((12 * 2.5 + 9 * 10) / 1e6, 12);
  });

  it("prices each request by its own route and the book's overrides, when routes alternate between requests", () => {
    const random = seededRandom(41);
    const books = [new PriceBook(), new PriceBook({ "openai/gpt-4o": { input: 1, output: 2 }, "my-vllm/llama": { input: 0.5, output: 0.25 }, cheap: { input: 0.1, output: 0.2, cached_input: 0.05 } })];
    const routes = [
      { provider: "openai", providerType: "openai", model: "gpt-4o" },
      { provider: "openai", providerType: "openai", model: "gpt-4o-mini" },
      { provider: "my-vllm", providerType: "openai", model: "llama" },
      { provider: "local", providerType: "local", model: "qwen" },
    ];
    const publicModels = ["m", "cheap"];
    for (let index = 0; index < 400; index++) {
      const prices = books[Math.floor(random() * books.length)]!;
      const route = routes[Math.floor(random() * routes.length)]!;
      const publicModel = publicModels[Math.floor(random() * publicModels.length)]!;
      const usage = { inputTokens: Math.floor(random() * 5000), outputTokens: Math.floor(random() * 900), cachedInputTokens: Math.floor(random() * 3000) };
      const context = {
        requestId: `r${index}`,
        api: "openai",
        operation: "chat",
        request: { model: publicModel, messages: [] },
        stream: false,
        signal: new AbortController().signal,
        startedAt: performance.now(),
        principal: { keyId: "k" },
        responseHeaders: {},
        attempts: [],
        state: new Map(),
        route: { ...route },
      } satisfies GatewayContext;
      const meter = StreamMeter.of(context, prices);
      meter.see({ type: "usage", usage });
      const expected = prices.cost({ ...route, publicModel }, usage);
      expect(meter.measuredNow()?.costUsd).toBe(expected);
    }
  });
});
