import OpenAI, { toFile } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "./openai/server.js";

// The emulator's Files and Batch APIs are only a stand-in if the official SDK accepts them as OpenAI's.
describe("OpenAI emulator: Files and Batch APIs through the official SDK", () => {
  let emulator: OpenaiEmulator;
  let client: OpenAI;

  beforeAll(async () => {
    emulator = await startOpenaiEmulator({ apiKey: "sk-test" });
    client = new OpenAI({ baseURL: emulator.baseURL, apiKey: "sk-test", maxRetries: 0 });
  });
  afterAll(() => emulator.close());

  const upload = async (lines: unknown[]) =>
    client.files.create({ file: await toFile(Buffer.from(lines.map((line) => JSON.stringify(line)).join("\n")), "batch.jsonl"), purpose: "batch" });

  it("uploads a file, runs a batch to completion and serves its output and error files", async () => {
    const file = await upload([
      { custom_id: "one", method: "POST", url: "/v1/chat/completions", body: { model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }] } },
      { custom_id: "two", method: "POST", url: "/v1/chat/completions", body: { model: "missing-model", messages: [{ role: "user", content: "x" }] } },
    ]);
    expect(file).toMatchObject({ object: "file", purpose: "batch", filename: "batch.jsonl" });
    expect(await (await client.files.content(file.id)).text()).toContain('"custom_id":"one"');

    const created = await client.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h", metadata: { run: "a" } });
    expect(created).toMatchObject({ object: "batch", status: "validating", request_counts: { total: 2, completed: 0, failed: 0 }, metadata: { run: "a" } });
    const seen: string[] = [];
    let batch = created;
    for (let step = 0; step < 10 && batch.status !== "completed"; step++) {
      batch = await client.batches.retrieve(created.id);
      seen.push(batch.status);
    }
    expect(seen).toEqual(["in_progress", "finalizing", "completed"]);
    expect(batch.request_counts).toEqual({ total: 2, completed: 1, failed: 1 });
    const output = (await (await client.files.content(batch.output_file_id!)).text()).trim().split("\n").map((line) => JSON.parse(line));
    expect(output).toEqual([
      { id: expect.stringMatching(/^batch_req_/), custom_id: "one", response: { status_code: 200, request_id: expect.any(String), body: expect.objectContaining({ object: "chat.completion" }) }, error: null },
    ]);
    expect(output[0].response.body.choices[0].message.content).toBe("You said: hello");
    const errors = (await (await client.files.content(batch.error_file_id!)).text()).trim().split("\n").map((line) => JSON.parse(line));
    expect(errors[0]).toMatchObject({ custom_id: "two", response: { status_code: 404 } });
    expect((await client.files.retrieve(batch.output_file_id!)).purpose).toBe("batch_output");

    const page = await client.batches.list({ limit: 10 });
    expect(page.data.map((item) => item.id)).toContain(created.id);
  });

  it("cancels a batch (cancelling, then cancelled) and rejects what OpenAI rejects", async () => {
    const file = await upload([{ custom_id: "c", method: "POST", url: "/v1/embeddings", body: { model: "text-embedding-3-small", input: "x" } }]);
    const created = await client.batches.create({ input_file_id: file.id, endpoint: "/v1/embeddings", completion_window: "24h" });
    expect((await client.batches.cancel(created.id)).status).toBe("cancelling");
    expect((await client.batches.retrieve(created.id)).status).toBe("cancelled");
    await expect(client.batches.retrieve("batch_nope")).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(client.batches.create({ input_file_id: "file-nope", endpoint: "/v1/embeddings", completion_window: "24h" })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(client.batches.create({ input_file_id: file.id, endpoint: "/v1/embeddings", completion_window: "1h" as "24h" })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    const wrong = new OpenAI({ baseURL: emulator.baseURL, apiKey: "nope", maxRetries: 0 });
    await expect(wrong.batches.retrieve(created.id)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
