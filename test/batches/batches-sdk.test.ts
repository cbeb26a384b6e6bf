import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultReply } from "../emulators/openai/responder.js";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";
import { chatLine, readResults, uploadBatchFile, waitForBatch } from "./helpers.js";

const MASTER = "sk-master-batches";

describe("/v1/batches through the official openai SDK (run on the gateway)", () => {
  let upstream: OpenaiEmulator;
  let slow: OpenaiEmulator;
  let gateway: RunningGateway;
  let client: OpenAI;
  let other: OpenAI;
  let budgeted: OpenAI;
  /** When each chat request reached the slow emulator, by its prompt. */
  const arrivals: Array<{ text: string; at: number }> = [];

  const sentTexts = () => upstream.requests.filter((request) => request.path.endsWith("/chat/completions")).map((request) => request.body.messages.at(-1).content as string);

  beforeAll(async () => {
    upstream = await startOpenaiEmulator();
    slow = await startOpenaiEmulator({
      reply: (body) => {
        arrivals.push({ text: body.messages.at(-1).content, at: Date.now() });
        return defaultReply(body);
      },
    });
    gateway = await startGateway(
      {
        providers: {
          // No native batch API: every line runs through the gateway.
          up: { type: "openai", base_url: upstream.baseURL, api_key: "none" },
          slow: { type: "openai", base_url: slow.baseURL, api_key: "none" },
        },
        models: {
          gpt: { routes: [{ provider: "up", model: "gpt-up" }] },
          embed: { routes: [{ provider: "up", model: "embed-up" }] },
          "slow-gpt": { routes: [{ provider: "slow", model: "gpt-slow" }] },
        },
        // A dollar a token, so a small budget runs out within a few lines.
        pricing: { "up/gpt-up": { input: 1_000_000, output: 1_000_000 } },
        batches: { concurrency: 1, yield_to_live: 1 },
      },
      { env: { SWITCHYARD_MASTER_KEY: MASTER } },
    );
    client = new OpenAI({ baseURL: gateway.baseURL, apiKey: MASTER, maxRetries: 0 });
    const project = await gateway.control.projects.create({ name: "other" });
    other = new OpenAI({ baseURL: gateway.baseURL, apiKey: (await gateway.control.keys.create(project.id, {})).secret, maxRetries: 0 });
    const tight = await gateway.control.projects.create({ name: "tight" });
    budgeted = new OpenAI({ baseURL: gateway.baseURL, apiKey: (await gateway.control.keys.create(tight.id, { limits: { budgetDailyUsd: 40 } })).secret, maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([upstream?.close(), slow?.close()]);
  });

  it("runs a chat batch: output and error files in OpenAI's line format, per-line errors, the rest runs", async () => {
    const input = await uploadBatchFile(client, [
      chatLine("a", "first line"),
      "{ this is not json",
      JSON.stringify({ custom_id: "wrong-url", method: "POST", url: "/v1/embeddings", body: { model: "gpt", input: "x" } }),
      chatLine("b", "second line"),
      JSON.stringify({ custom_id: "no-messages", method: "POST", url: "/v1/chat/completions", body: { model: "gpt" } }),
      chatLine("c", "third line", { max_tokens: 2 }),
    ]);
    const created = await client.batches.create({ input_file_id: input, endpoint: "/v1/chat/completions", completion_window: "24h", metadata: { job: "nightly" } });
    expect(created).toMatchObject({ object: "batch", endpoint: "/v1/chat/completions", input_file_id: input, completion_window: "24h", metadata: { job: "nightly" } });
    expect(created.id).toMatch(/^batch_/);

    const batch = await waitForBatch(client, created.id);
    expect(batch.status).toBe("completed");
    expect(batch.request_counts).toEqual({ total: 6, completed: 3, failed: 3 });
    expect(batch.completed_at).toBeGreaterThanOrEqual(batch.created_at);
    expect(batch.finalizing_at).not.toBeNull();

    const output = await readResults(client, batch.output_file_id);
    expect(output.map((line) => line.custom_id)).toEqual(["a", "b", "c"]);
    expect(output[0]!.response).toMatchObject({ status_code: 200, body: { object: "chat.completion", model: "gpt", choices: [{ message: { content: "You said: first line" } }] } });
    expect(output[0]!.response!.request_id).toMatch(/^req_/);
    expect(output[0]!.id).toMatch(/^batch_req_/);
    expect(output[2]!.response!.body.choices[0].finish_reason).toBe("length");
    expect(output.every((line) => line.error === null)).toBe(true);

    const errors = await readResults(client, batch.error_file_id);
    expect(errors.map((line) => line.custom_id)).toEqual([null, "wrong-url", "no-messages"]);
    expect(errors[0]!.error).toMatchObject({ code: "invalid_json_line", message: expect.stringContaining("Line 2") });
    expect(errors[1]!.error).toMatchObject({ code: "mismatched_url" });
    // A body the endpoint refuses is answered like the live endpoint would: a 400 response.
    expect(errors[2]!.response).toMatchObject({ status_code: 400, body: { error: { param: "messages" } } });
    expect(sentTexts().filter((text) => ["first line", "second line", "third line"].includes(text))).toHaveLength(3);

    const meta = await client.files.retrieve(batch.output_file_id!);
    expect(meta.purpose).toBe("batch_output");
  });

  it("runs an embeddings batch", async () => {
    const input = await uploadBatchFile(client, [
      JSON.stringify({ custom_id: "e1", method: "POST", url: "/v1/embeddings", body: { model: "embed", input: "hello world" } }),
      JSON.stringify({ custom_id: "e2", method: "POST", url: "/v1/embeddings", body: { model: "embed", input: ["a", "b"], dimensions: 4 } }),
    ]);
    const created = await client.batches.create({ input_file_id: input, endpoint: "/v1/embeddings", completion_window: "24h" });
    const batch = await waitForBatch(client, created.id);
    expect(batch.request_counts).toEqual({ total: 2, completed: 2, failed: 0 });
    const output = await readResults(client, batch.output_file_id);
    expect(output[1]!.response!.body).toMatchObject({ object: "list", model: "embed", data: [{ index: 0 }, { index: 1 }] });
    expect(output[1]!.response!.body.data[0].embedding).toHaveLength(4);
    expect(batch.error_file_id).toBeNull();
  });

  it("fails the over-budget lines with the budget error and loses nothing else", async () => {
    const lines = Array.from({ length: 6 }, (_, index) => chatLine(`budget-${index}`, `budget line ${index}`, { max_tokens: 5 }));
    const input = await uploadBatchFile(budgeted, lines);
    const before = sentTexts().length;
    const created = await budgeted.batches.create({ input_file_id: input, endpoint: "/v1/chat/completions", completion_window: "24h" });
    const batch = await waitForBatch(budgeted, created.id);
    expect(batch.status).toBe("completed");
    const output = await readResults(budgeted, batch.output_file_id);
    const errors = await readResults(budgeted, batch.error_file_id);
    expect(output.length).toBeGreaterThan(0);
    expect(errors.length).toBeGreaterThan(0);
    expect(output.length + errors.length).toBe(6);
    expect(new Set([...output, ...errors].map((line) => line.custom_id)).size).toBe(6);
    for (const line of errors) {
      expect(line.response).toMatchObject({ status_code: 429, body: { error: { code: "SWY_ERR_BUDGET_EXCEEDED", type: "insufficient_quota" } } });
    }
    // Only the lines within the budget reached the provider.
    expect(sentTexts().length - before).toBe(output.length);
  });

  it("lists a project's batches newest first, paginated; another project sees none of them", async () => {
    const input = await uploadBatchFile(client, [chatLine("p", "page")]);
    const ids: string[] = [];
    for (let index = 0; index < 3; index++) ids.push((await client.batches.create({ input_file_id: input, endpoint: "/v1/chat/completions", completion_window: "24h" })).id);
    const first = await client.batches.list({ limit: 2 });
    expect(first.data.map((batch) => batch.id)).toEqual([ids[2], ids[1]]);
    expect(first.hasNextPage()).toBe(true);
    const second = await first.getNextPage();
    expect(second.data[0]!.id).toBe(ids[0]);
    const all: string[] = [];
    for await (const batch of client.batches.list({ limit: 2 })) all.push(batch.id);
    expect(all.slice(0, 3)).toEqual([ids[2], ids[1], ids[0]]);
    expect(new Set(all).size).toBe(all.length);

    const theirs = await other.batches.list();
    expect(theirs.data).toEqual([]);
    await expect(other.batches.retrieve(ids[0]!)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(other.batches.cancel(ids[0]!)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(other.files.content(input)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    for (const id of ids) await waitForBatch(client, id);
  });

  it("answers bad requests with clear 4xx errors", async () => {
    const create = (body: Record<string, unknown>) => client.batches.create(body as never).catch((error: unknown) => error);
    const unknown = await create({ input_file_id: "file-nope", endpoint: "/v1/chat/completions", completion_window: "24h" });
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect((unknown as InstanceType<typeof OpenAI.NotFoundError>).param).toBe("input_file_id");

    const good = await uploadBatchFile(client, [chatLine("x", "x")]);
    const endpoint = await create({ input_file_id: good, endpoint: "/v1/images/generations", completion_window: "24h" });
    expect(endpoint).toBeInstanceOf(OpenAI.BadRequestError);
    expect((endpoint as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("endpoint");
    const window = await create({ input_file_id: good, endpoint: "/v1/chat/completions", completion_window: "7d" });
    expect((window as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("completion_window");

    const tuning = await uploadBatchFile(client, [JSON.stringify({ messages: [{ role: "user", content: "q" }, { role: "assistant", content: "a" }] })], "fine-tune");
    const purpose = await create({ input_file_id: tuning, endpoint: "/v1/chat/completions", completion_window: "24h" });
    expect(purpose).toBeInstanceOf(OpenAI.BadRequestError);
    expect((purpose as Error).message).toContain("purpose 'batch'");

    const useless = await uploadBatchFile(client, ["not json", "{}"]);
    const whole = await create({ input_file_id: useless, endpoint: "/v1/chat/completions", completion_window: "24h" });
    expect(whole).toBeInstanceOf(OpenAI.BadRequestError);
    expect((whole as Error).message).toContain("no runnable line");

    await expect(client.batches.retrieve("batch_missing")).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(client.batches.list({ limit: 1000 })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  });

  it("cancels: cancelling, then cancelled; lines not run are reported, none lost", async () => {
    upstream.faults.push({ kind: "stall", ms: 400 });
    const lines = Array.from({ length: 5 }, (_, index) => chatLine(`cancel-${index}`, `cancel line ${index}`));
    const input = await uploadBatchFile(client, lines);
    const created = await client.batches.create({ input_file_id: input, endpoint: "/v1/chat/completions", completion_window: "24h" });
    const cancelling = await client.batches.cancel(created.id);
    expect(cancelling.status).toBe("cancelling");
    expect(cancelling.cancelling_at).not.toBeNull();
    const batch = await waitForBatch(client, created.id);
    expect(batch.status).toBe("cancelled");
    expect(batch.cancelled_at).not.toBeNull();
    const output = await readResults(client, batch.output_file_id);
    const errors = await readResults(client, batch.error_file_id);
    expect(output.length + errors.length).toBe(5);
    expect(errors.every((line) => line.error?.code === "batch_cancelled")).toBe(true);
    expect(errors.length).toBeGreaterThan(0);
    expect(sentTexts().filter((text) => text.startsWith("cancel line")).length).toBe(output.length);
    await expect(client.batches.cancel(created.id)).resolves.toMatchObject({ status: "cancelled" });
    const done = await uploadBatchFile(client, [chatLine("done", "done")]);
    const finished = await waitForBatch(client, (await client.batches.create({ input_file_id: done, endpoint: "/v1/chat/completions", completion_window: "24h" })).id);
    await expect(client.batches.cancel(finished.id)).rejects.toMatchObject({ status: 409 });
  });

  it("expires at the end of its completion window: unfinished lines get batch_expired", async () => {
    upstream.faults.standing = { kind: "stall", ms: 700 };
    try {
      const lines = Array.from({ length: 6 }, (_, index) => chatLine(`expire-${index}`, `expire line ${index}`));
      const input = await uploadBatchFile(client, lines);
      const created = await client.batches.create({ input_file_id: input, endpoint: "/v1/chat/completions", completion_window: "1s" as "24h" });
      // Switchyard accepts windows shorter than OpenAI's only value ('24h'); the SDK's type knows only that one.
      expect(created.expires_at! - created.created_at).toBeLessThanOrEqual(1);
      const batch = await waitForBatch(client, created.id);
      expect(batch.status).toBe("expired");
      expect(batch.expired_at).not.toBeNull();
      const output = await readResults(client, batch.output_file_id);
      const errors = await readResults(client, batch.error_file_id);
      expect(output.length + errors.length).toBe(6);
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.every((line) => line.error?.code === "batch_expired")).toBe(true);
    } finally {
      upstream.faults.clear();
    }
  });

  it("gives way to live traffic: no batch line starts while a live request is in flight", async () => {
    slow.faults.push({ kind: "stall", ms: 1500 });
    const live = client.chat.completions.create({ model: "slow-gpt", messages: [{ role: "user", content: "live request" }] });
    const deadline = Date.now() + 10_000;
    while (gateway.batches.live.count < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(gateway.batches.live.count).toBe(1);
    const input = await uploadBatchFile(client, [
      JSON.stringify({ custom_id: "y1", method: "POST", url: "/v1/chat/completions", body: { model: "slow-gpt", messages: [{ role: "user", content: "batch after live 1" }] } }),
      JSON.stringify({ custom_id: "y2", method: "POST", url: "/v1/chat/completions", body: { model: "slow-gpt", messages: [{ role: "user", content: "batch after live 2" }] } }),
    ]);
    const created = await client.batches.create({ input_file_id: input, endpoint: "/v1/chat/completions", completion_window: "24h" });
    await live;
    await waitForBatch(client, created.id);
    // The live request reached the emulator's model only after its stall; no batch line may come before it.
    const liveArrival = arrivals.find((arrival) => arrival.text === "live request")!;
    const batchArrivals = arrivals.filter((arrival) => arrival.text.startsWith("batch after live"));
    expect(batchArrivals).toHaveLength(2);
    for (const arrival of batchArrivals) expect(arrival.at).toBeGreaterThanOrEqual(liveArrival.at);
  });
});

describe("/v1/batches within the key's rate limits", () => {
  let upstream: OpenaiEmulator;
  let gateway: RunningGateway;

  beforeAll(async () => {
    upstream = await startOpenaiEmulator({ latencyMs: 100 });
    gateway = await startGateway(
      {
        providers: { up: { type: "openai", base_url: upstream.baseURL, api_key: "none" } },
        models: { gpt: { routes: [{ provider: "up", model: "gpt-up" }] } },
        batches: { concurrency: 2 },
      },
      { env: { SWITCHYARD_MASTER_KEY: MASTER } },
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it("waits when the key's limit turns a line away, instead of failing it; every line runs once", async () => {
    const project = await gateway.control.projects.create({ name: "one-at-a-time" });
    // Two batch workers, a key that allows one request in flight: the second worker is turned away.
    const { secret } = await gateway.control.keys.create(project.id, { maxParallel: 1 });
    const client = new OpenAI({ baseURL: gateway.baseURL, apiKey: secret, maxRetries: 0 });
    const input = await uploadBatchFile(client, Array.from({ length: 4 }, (_, index) => chatLine(`rl${index}`, `limited line ${index}`)));
    const batch = await waitForBatch(client, (await client.batches.create({ input_file_id: input, endpoint: "/v1/chat/completions", completion_window: "24h" })).id);
    expect(batch.request_counts).toEqual({ total: 4, completed: 4, failed: 0 });
    const sent = upstream.requests.filter((request) => request.path.endsWith("/chat/completions")).map((request) => request.body.messages.at(-1).content as string);
    expect(sent.sort()).toEqual(["limited line 0", "limited line 1", "limited line 2", "limited line 3"]);
  });
});
