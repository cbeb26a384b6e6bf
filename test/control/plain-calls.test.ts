import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CompletionRequest, StreamPart } from "../../src/core/types.js";
import type { ProviderAdapter } from "../../src/providers/contract.js";
import { startControlFixture, type ControlFixture } from "./control-fixture.js";

/** An in-process base-model provider: `/v1/completions` needs one that implements `complete`. */
const baseModelProvider: ProviderAdapter = {
  specificationVersion: "v1",
  name: "base",
  type: "openai",
  stream: () => Promise.reject(new Error("chat is not served here")),
  complete(request: CompletionRequest): Promise<AsyncIterable<StreamPart>> {
    return Promise.resolve(
      (async function* () {
        yield { type: "text-delta", text: ` after ${request.prompt.length} characters` } as const;
        yield { type: "usage", usage: { inputTokens: 7, outputTokens: 4 } } as const;
        yield { type: "finish", reason: { unified: "stop" } } as const;
      })(),
    );
  },
};

async function newKey(fx: ControlFixture, project: string, extra: Record<string, unknown> = {}) {
  const created = await fx.admin("POST", "/admin/projects", { name: project });
  const key = await fx.admin("POST", "/admin/keys", { project_id: created.json.id, name: `${project}-key`, ...extra });
  return { projectId: created.json.id as string, keyId: key.json.id as string, secret: key.json.key as string };
}

describe("embeddings and text completions go through limits and metering", () => {
  let fx: ControlFixture;
  const post = (secret: string, url: string, payload: Record<string, unknown>) =>
    fx.gateway.server.inject({ method: "POST", url, headers: { authorization: `Bearer ${secret}` }, payload });

  beforeAll(async () => {
    fx = await startControlFixture({
      models: {
        "gpt-4o": { routes: [{ provider: "up", model: "gpt-4o" }] },
        embedder: { routes: [{ provider: "up", model: "text-embedding-3-small" }] },
      },
      pricing: { "base/davinci-base": { input: 3, output: 5 }, "up/text-embedding-3-small": { input: 0.02, output: 100_000 } },
      control: { usage_flush_ms: 600_000, key_cache_ms: 600_000 },
    });
    fx.gateway.runtime.models.register({ name: "davinci", routes: [{ provider: baseModelProvider, model: "davinci-base" }], origin: "runtime" });
  });
  afterAll(async () => {
    await fx?.close();
  });

  it("writes one usage row per embedding and per completion, priced from the catalog", async () => {
    const { projectId, keyId, secret } = await newKey(fx, "plain-meter");
    const embedded = await post(secret, "/v1/embeddings", { model: "embedder", input: ["one two three", "four five"] });
    expect(embedded.statusCode).toBe(200);
    const completed = await post(secret, "/v1/completions", { model: "davinci", prompt: "Once upon a time" });
    expect(completed.statusCode).toBe(200);
    expect(completed.json().choices[0].text).toBe(" after 16 characters");
    await fx.gateway.control.ledger.flush();

    const rows = (await fx.admin("GET", `/admin/usage/records?key_id=${keyId}`)).json.data as Array<Record<string, any>>;
    expect(rows).toHaveLength(2);
    const embedding = rows.find((row) => row.model === "embedder")!;
    const tokens = embedded.json().usage.prompt_tokens as number;
    expect(tokens).toBeGreaterThan(0);
    expect(embedding).toMatchObject({
      key_id: keyId,
      project_id: projectId,
      provider: "up",
      upstream_model: "text-embedding-3-small",
      input_tokens: tokens,
      output_tokens: 0,
      status: "success",
      http_status: 200,
    });
    expect(embedding.cost_usd).toBeCloseTo((tokens * 0.02) / 1e6, 12);
    expect(embedding.latency_ms).toBeGreaterThanOrEqual(0);
    const completion = rows.find((row) => row.model === "davinci")!;
    expect(completion).toMatchObject({ provider: "base", upstream_model: "davinci-base", input_tokens: 7, output_tokens: 4, status: "success" });
    expect(completion.cost_usd).toBeCloseTo((7 * 3 + 4 * 5) / 1e6, 12);
  });

  it("records a failed embedding with its error status", async () => {
    const { keyId, secret } = await newKey(fx, "plain-fail");
    fx.emulator.faults.push({ kind: "status", status: 400, message: "bad input upstream" });
    const failed = await post(secret, "/v1/embeddings", { model: "embedder", input: "x" });
    expect(failed.statusCode).toBeGreaterThanOrEqual(400);
    await fx.gateway.control.ledger.flush();
    const rows = (await fx.admin("GET", `/admin/usage/records?key_id=${keyId}`)).json.data as Array<Record<string, any>>;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "error", http_status: failed.statusCode });
  });

  it("enforces the key's model allow-list, requests per minute and budget", async () => {
    const listed = await newKey(fx, "plain-allow", { models: ["gpt-4o"] });
    const forbidden = await post(listed.secret, "/v1/embeddings", { model: "embedder", input: "hi" });
    expect(forbidden.statusCode).toBe(403);

    const limited = await newKey(fx, "plain-rpm", { rpm: 2 });
    expect((await post(limited.secret, "/v1/embeddings", { model: "embedder", input: "a" })).statusCode).toBe(200);
    const second = await post(limited.secret, "/v1/completions", { model: "davinci", prompt: "b" });
    expect(second.statusCode).toBe(200);
    expect(second.headers["x-ratelimit-remaining-requests"]).toBe("0");
    const third = await post(limited.secret, "/v1/embeddings", { model: "embedder", input: "c" });
    expect(third.statusCode).toBe(429);
    expect(third.json().error.message).toMatch(/allows 2 requests per minute/);

    const broke = await newKey(fx, "plain-budget", { budgets: { daily_usd: 0.00005 } });
    expect((await post(broke.secret, "/v1/completions", { model: "davinci", prompt: "spend", max_tokens: 4 })).statusCode).toBe(200);
    const refused = await post(broke.secret, "/v1/completions", { model: "davinci", prompt: "spend", max_tokens: 4 });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.message).toMatch(/Budget exceeded/);
  });

  it("reserves no output for an embedding: the context says it is one, not a chat", async () => {
    // At the catalog's output price a chat's default output estimate alone would be far over this budget.
    const frugal = await newKey(fx, "plain-embedding-budget", { budgets: { daily_usd: 0.01 } });
    const embedded = await post(frugal.secret, "/v1/embeddings", { model: "embedder", input: "a short text" });
    expect(embedded.statusCode).toBe(200);
    const chat = await post(frugal.secret, "/v1/chat/completions", { model: "embedder", messages: [{ role: "user", content: "a short text" }] });
    expect(chat.statusCode).toBe(429);
    expect(chat.json().error.message).toMatch(/Budget exceeded/);
  });
});
