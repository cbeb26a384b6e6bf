import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { defaultConfig } from "../../src/config/defaults.js";
import { createModelFixtures, localConfig, type ModelFixtures } from "./fixtures.js";
import { tinyLlamaGguf } from "./gguf-writer.js";
import { writeFileSync } from "node:fs";

// Model loads and child processes are slow on a shared two-core machine.
const SLOW = { timeout: 180_000 };

let fixtures: ModelFixtures;
let app: App;

beforeAll(async () => {
  fixtures = createModelFixtures();
  writeFileSync(join(fixtures.modelsDir, "broken.gguf"), tinyLlamaGguf({ omitKeys: ["llama.feed_forward_length"] }));
  const config = localConfig(fixtures, {
    parallel: 1,
    queue_size: 1,
    probe_load: true,
    models: {
      "tiny-chat": { file: "tiny-chat.gguf" },
      missing: { source: "hf:example/Missing-GGUF:Q4_K_M" },
    },
  });
  (config.models as Record<string, unknown>).guarded = {
    routes: [
      { provider: "local", model: "broken" },
      { provider: "local", model: "tiny-chat" },
    ],
  };
  app = await createApp({ config });
});

afterAll(async () => {
  await app?.close();
  fixtures?.cleanup();
});

const chat = (model: string, extra: Record<string, unknown> = {}) =>
  app.server.inject({ method: "POST", url: "/v1/chat/completions", payload: { model, messages: [{ role: "user", content: "hi" }], max_tokens: 4, ...extra } });

describe("local models that cannot serve", SLOW, () => {
  it("answers 503 naming the problem for a malformed GGUF, and the server keeps serving", async () => {
    const response = await chat("local/broken");
    expect(response.statusCode).toBe(503);
    expect(response.json().error).toMatchObject({ code: "SWY_ERR_MODEL_UNAVAILABLE", type: "server_error" });
    expect(response.json().error.message).toMatch(/'broken\.gguf' is not a usable GGUF model: required metadata 'llama\.feed_forward_length' is missing/);
    expect((await chat("tiny-chat")).statusCode).toBe(200);
  });

  it("falls back to the next route when a model file is broken", async () => {
    const response = await chat("guarded");
    expect(response.statusCode).toBe(200);
    expect(response.headers["x-switchyard-model"]).toBe("tiny-chat");
    expect(response.headers["x-switchyard-attempts"]).toBe("2");
  });

  it("answers 503 with the pull command for a configured model not downloaded yet", async () => {
    const response = await chat("local/missing");
    expect(response.statusCode).toBe(503);
    expect(response.json().error.message).toContain("npx switchyard models pull hf:example/Missing-GGUF:Q4_K_M");
  });

  it("the default config offers a local model that explains how to get it", async () => {
    const defaults = defaultConfig({});
    // Downloading is off here (test/first-run covers it against a hub on loopback).
    const server = { data_dir: fixtures.dataDir, log_level: "silent", auto_download: false };
    const standalone = await createApp({ config: { ...defaults, server } });
    try {
      const response = await standalone.server.inject({
        method: "POST",
        url: "/v1/chat/completions",
        payload: { model: "local", messages: [{ role: "user", content: "hi" }] },
      });
      expect(response.statusCode).toBe(503);
      expect(response.json().error.message).toMatch(/npx switchyard models pull hf:HuggingFaceTB\/SmolLM2-360M-Instruct-GGUF:Q8_0/);
    } finally {
      await standalone.close();
    }
  });
});

describe("local concurrency", SLOW, () => {
  it("queues up to queue_size and refuses the rest with 429 and Retry-After", async () => {
    expect((await chat("tiny-chat")).statusCode).toBe(200);
    // One running (parallel 1), one waiting (queue_size 1), the third refused.
    const responses = await Promise.all([0, 1, 2].map(() => chat("tiny-chat", { max_tokens: 400, temperature: 1, seed: 5 })));
    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([200, 200, 429]);
    const refused = responses.find((response) => response.statusCode === 429)!;
    expect(refused.json().error.code).toBe("SWY_ERR_QUEUE_FULL");
    expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
  });

  it("runs parallel requests on one loaded model as separate sequences", async () => {
    // No queue at all: the second request can only succeed by running next to the first.
    const parallelApp = await createApp({ config: localConfig(fixtures, { parallel: 2, queue_size: 0 }) });
    try {
      const ask = () =>
        parallelApp.server.inject({
          method: "POST",
          url: "/v1/completions",
          payload: { model: "tiny-base", prompt: "the cat", max_tokens: 300, temperature: 1, seed: 5 },
        });
      expect((await ask()).statusCode).toBe(200);
      const responses = await Promise.all([ask(), ask()]);
      expect(responses.map((response) => response.statusCode)).toEqual([200, 200]);
      const third = await Promise.all([ask(), ask(), ask()]);
      expect(third.map((response) => response.statusCode).sort()).toEqual([200, 200, 429]);
    } finally {
      await parallelApp.close();
    }
  });

  it("stops generating when the client disconnects", async () => {
    await app.server.listen({ port: 0, host: "127.0.0.1" });
    const { port } = app.server.server.address() as AddressInfo;
    await new Promise<void>((resolve, reject) => {
      const request = httpRequest({ host: "127.0.0.1", port, path: "/v1/chat/completions", method: "POST", headers: { "content-type": "application/json" } }, (response) => {
        response.once("data", () => {
          request.destroy();
          resolve();
        });
      });
      request.on("error", () => undefined);
      request.on("close", () => resolve());
      request.end(JSON.stringify({ model: "tiny-chat", messages: [{ role: "user", content: "go" }], max_tokens: 100_000, stream: true }));
      setTimeout(() => reject(new Error("no first chunk")), 20_000);
    });
    // With one sequence and a queue of one, a generation that kept running would hold the slot for
    // 100,000 tokens; the slot coming free shows the disconnect stopped it.
    let status = 0;
    for (let attempt = 0; attempt < 100 && status !== 200; attempt++) {
      status = (await chat("tiny-chat", { max_tokens: 1 })).statusCode;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(200);
  });
});
