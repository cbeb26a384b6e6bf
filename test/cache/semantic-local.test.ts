import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";
import { createModelFixtures, type ModelFixtures } from "../local/fixtures.js";

// Embeddings from an in-process GGUF model: the semantic cache works offline, with no embedding provider.
const QUESTION = "What is the capital city of France?";
const NEAR = "What is the capital city of France ?";
const OTHER = "Write a haiku about autumn leaves falling from the old oak tree";

let fixtures: ModelFixtures;
let emulator: OpenaiEmulator;
let gateway: RunningGateway;

beforeAll(async () => {
  fixtures = createModelFixtures();
  emulator = await startOpenaiEmulator();
  gateway = await startGateway({
    server: { data_dir: fixtures.dataDir },
    providers: {
      emu: { type: "openai", base_url: emulator.baseURL, api_key: "none" },
      local: { type: "local", threads: 1, context_size: 256, probe_load: false },
    },
    models: { chat: { routes: [{ provider: "emu", model: "gpt-4o-mini" }] } },
    cache: { mode: "on", semantic: { embedding_model: "local/tiny-base", threshold: 0.95 } },
  });
}, 120_000);

afterAll(async () => {
  await gateway?.close();
  await emulator?.close();
  fixtures?.cleanup();
});

function chat(text: string, headers: Record<string, string> = {}) {
  return gateway.server.inject({
    method: "POST",
    url: "/v1/chat/completions",
    headers: { "content-type": "application/json", ...headers },
    payload: { model: "chat", messages: [{ role: "user", content: text }], temperature: 0 },
  });
}

const chatCalls = () => emulator.requests.filter((request) => request.path.endsWith("/chat/completions")).length;

/** Answers are stored once the response ends; ask (reading only) until the expected header shows up. */
async function until(text: string, expected: string) {
  let last = await chat(text, { "cache-control": "max-age=0" });
  for (let attempt = 0; attempt < 100 && last.headers["x-switchyard-cache"] !== expected; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    last = await chat(text, { "cache-control": "max-age=0" });
  }
  return last;
}

describe("semantic cache with a local embedding model", { timeout: 120_000 }, () => {
  it("embeds in-process: a near-identical prompt hits, an unrelated one misses, no embedding provider is called", async () => {
    const first = await chat(QUESTION);
    expect(first.statusCode).toBe(200);
    expect(first.headers["x-switchyard-cache"]).toBe("miss");
    const near = await until(NEAR, "semantic-hit");
    expect(near.headers["x-switchyard-cache"]).toBe("semantic-hit");
    const similarity = Number(near.headers["x-switchyard-cache-similarity"]);
    expect(similarity).toBeGreaterThanOrEqual(0.95);
    expect(similarity).toBeLessThan(1);
    expect(near.json().choices[0].message.content).toBe(first.json().choices[0].message.content);

    const calls = chatCalls();
    const other = await chat(OTHER, { "cache-control": "max-age=0" });
    expect(other.headers["x-switchyard-cache"]).toBe("miss");
    expect(chatCalls()).toBe(calls + 1);
    expect(emulator.requests.filter((request) => request.path.endsWith("/embeddings"))).toHaveLength(0);
  });
});
