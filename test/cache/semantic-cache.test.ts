import OpenAI from "openai";
import pino from "pino";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";
import { startRedis, type RedisServer } from "../helpers/redis.js";

// The emulator's embeddings spread character codes over `dimensions` buckets: at 64 dimensions a
// one-character edit of these prompts scores ~0.99 and an unrelated prompt ~0.8.
const QUESTION = "What is the capital city of France?";
const NEAR = "what is the capital city of france?";
const OTHER = "Write a haiku about autumn leaves falling";

function config(emulator: OpenaiEmulator, semantic: Record<string, unknown> = {}, providers: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    providers: { emu: { type: "openai", base_url: emulator.baseURL, api_key: "none" }, ...providers },
    models: {
      chat: { routes: [{ provider: "emu", model: "gpt-4o-mini" }] },
      "chat-b": { routes: [{ provider: "emu", model: "gpt-4o" }] },
    },
    cache: { mode: "on", semantic: { embedding_model: "emu/text-embedding-3-small", dimensions: 64, threshold: 0.95, ...semantic } },
  };
}

interface ChatOptions {
  model?: string;
  temperature?: number;
  system?: string;
  headers?: Record<string, string>;
}

function chat(gateway: RunningGateway, text: string, options: ChatOptions = {}) {
  const messages = [...(options.system ? [{ role: "system", content: options.system }] : []), { role: "user", content: text }];
  return gateway.server.inject({
    method: "POST",
    url: "/v1/chat/completions",
    headers: { "content-type": "application/json", ...options.headers },
    payload: { model: options.model ?? "chat", messages, temperature: options.temperature ?? 0 },
  });
}

const chatCalls = (emulator: OpenaiEmulator) => emulator.requests.filter((request) => request.path.endsWith("/chat/completions")).length;
const embeddingCalls = (emulator: OpenaiEmulator) => emulator.requests.filter((request) => request.path.endsWith("/embeddings")).length;

/**
 * Answers are stored after the response ends; ask until the expected header shows up (or give up).
 * The asks read without storing (`max-age=0`), so a miss while waiting cannot store an answer of its own.
 */
async function until(gateway: RunningGateway, text: string, expected: string): Promise<{ headers: Record<string, unknown>; json(): any }> {
  let last: { headers: Record<string, unknown>; json(): any } | undefined;
  for (let attempt = 0; attempt < 100; attempt++) {
    last = await chat(gateway, text, { headers: { "cache-control": "max-age=0" } });
    if (last.headers["x-switchyard-cache"] === expected) return last;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return last!;
}

describe("semantic cache (memory)", () => {
  let emulator: OpenaiEmulator;
  let gateway: RunningGateway;
  beforeAll(async () => {
    emulator = await startOpenaiEmulator();
    gateway = await startGateway(config(emulator));
  });
  afterAll(async () => {
    await gateway.close();
    await emulator.close();
  });

  it("answers a near-identical prompt from the cache, with its similarity, without calling the chat model", async () => {
    const first = await chat(gateway, QUESTION);
    expect(first.headers["x-switchyard-cache"]).toBe("miss");
    expect(embeddingCalls(emulator)).toBe(1);
    const before = chatCalls(emulator);
    const near = await until(gateway, NEAR, "semantic-hit");
    expect(near.headers["x-switchyard-cache"]).toBe("semantic-hit");
    const similarity = Number(near.headers["x-switchyard-cache-similarity"]);
    expect(similarity).toBeGreaterThanOrEqual(0.95);
    expect(similarity).toBeLessThan(1);
    // The emulator echoes the prompt: the stored answer is the first question's, not the new one's.
    expect(near.json().choices[0].message.content).toBe(first.json().choices[0].message.content);
    expect(near.json().choices[0].message.content).toContain(QUESTION);
    expect(chatCalls(emulator)).toBe(before);
  });

  it("answers a repeated prompt exactly, and from the semantic layer once the exact entry is gone", async () => {
    const embeddingsBefore = embeddingCalls(emulator);
    expect((await chat(gateway, QUESTION)).headers["x-switchyard-cache"]).toBe("hit");
    // An exact hit never embeds.
    expect(embeddingCalls(emulator)).toBe(embeddingsBefore);
    await gateway.cache!.store.close();
    const before = chatCalls(emulator);
    const repeated = await chat(gateway, QUESTION);
    expect(repeated.headers["x-switchyard-cache"]).toBe("semantic-hit");
    expect(repeated.headers["x-switchyard-cache-similarity"]).toBe("1.0000");
    expect(chatCalls(emulator)).toBe(before);
  });

  it("misses for a different prompt and calls the model", async () => {
    const before = chatCalls(emulator);
    const other = await chat(gateway, OTHER);
    expect(other.headers["x-switchyard-cache"]).toBe("miss");
    expect(other.headers["x-switchyard-cache-similarity"]).toBeUndefined();
    expect(other.json().choices[0].message.content).toContain(OTHER);
    expect(chatCalls(emulator)).toBe(before + 1);
  });

  it("misses when the model, the temperature or the system prompt differ", async () => {
    await chat(gateway, "How many legs does a spider have?");
    await until(gateway, "how many legs does a spider have?", "semantic-hit");
    const before = chatCalls(emulator);
    expect((await chat(gateway, "how many legs does a spider have?", { model: "chat-b" })).headers["x-switchyard-cache"]).toBe("miss");
    expect((await chat(gateway, "how many legs does a spider have?", { temperature: 0.7 })).headers["x-switchyard-cache"]).toBe("miss");
    expect((await chat(gateway, "how many legs does a spider have?", { system: "Answer in French." })).headers["x-switchyard-cache"]).toBe("miss");
    expect(chatCalls(emulator)).toBe(before + 3);
  });

  it("honours the request's opt-out: no lookup and no embedding", async () => {
    const embeddingsBefore = embeddingCalls(emulator);
    const bypass = await chat(gateway, NEAR, { headers: { "x-switchyard-cache": "off" } });
    expect(bypass.headers["x-switchyard-cache"]).toBeUndefined();
    expect(embeddingCalls(emulator)).toBe(embeddingsBefore);
  });

  it("stores a refreshed answer with its vector", async () => {
    const refreshed = await chat(gateway, "Refresh this answer now.", { headers: { "x-switchyard-cache": "refresh" } });
    expect(refreshed.headers["x-switchyard-cache"]).toBe("refresh");
    const near = await until(gateway, "refresh this answer now.", "semantic-hit");
    expect(near.json().choices[0].message.content).toBe(refreshed.json().choices[0].message.content);
  });

  it("replays a semantic hit as a stream through the OpenAI SDK", async () => {
    const prompt = "Name three primary colours please.";
    const stored = await chat(gateway, prompt);
    await until(gateway, "Name three primary colours please!", "semantic-hit");
    const before = chatCalls(emulator);
    const client = new OpenAI({ baseURL: gateway.baseURL, apiKey: "unused" });
    const { data: stream, response } = await client.chat.completions
      .create({ model: "chat", stream: true, temperature: 0, messages: [{ role: "user", content: "name three primary colours please." }] })
      .withResponse();
    let text = "";
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(response.headers.get("x-switchyard-cache")).toBe("semantic-hit");
    expect(Number(response.headers.get("x-switchyard-cache-similarity"))).toBeGreaterThanOrEqual(0.95);
    expect(text).toBe(stored.json().choices[0].message.content);
    expect(finish).toBe("stop");
    expect(chatCalls(emulator)).toBe(before);
  });

  it("counts semantic hits on /metrics, served at no upstream cost", async () => {
    const body = (await gateway.server.inject({ method: "GET", url: "/metrics" })).body;
    expect(body).toMatch(/switchyard_cache_lookups_total\{result="semantic_hit"\} [1-9]/);
    expect(body).toMatch(/switchyard_chat_requests_total\{model="chat",provider="cache",stream="true",outcome="ok"\} [1-9]/);
    expect(body).not.toMatch(/switchyard_cost_usd_total\{model="chat",provider="cache"\} [1-9]/);
  });
});

describe("semantic cache threshold", () => {
  let emulator: OpenaiEmulator;
  beforeAll(async () => {
    emulator = await startOpenaiEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  it("serves only entries at or above the configured similarity", async () => {
    const strict = await startGateway(config(emulator, { threshold: 0.999 }));
    const loose = await startGateway(config(emulator, { threshold: 0.9 }));
    for (const gateway of [strict, loose]) await chat(gateway, QUESTION);
    await until(loose, NEAR, "semantic-hit");
    const before = chatCalls(emulator);
    // NEAR scores ~0.99 against QUESTION: under 0.999, over 0.9.
    expect((await chat(strict, NEAR)).headers["x-switchyard-cache"]).toBe("miss");
    expect(chatCalls(emulator)).toBe(before + 1);
    // OTHER scores ~0.8: a miss even for the loose gateway.
    expect((await chat(loose, OTHER)).headers["x-switchyard-cache"]).toBe("miss");
    await strict.close();
    await loose.close();
  });
});

describe("semantic cache failures and config", () => {
  let emulator: OpenaiEmulator;
  beforeAll(async () => {
    emulator = await startOpenaiEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  it("treats a failing embedding model as a miss and warns once", async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    // Nothing listens on port 1: every embedding call fails to connect.
    const down = { down: { type: "openai", base_url: "http://127.0.0.1:1/v1", api_key: "none" } };
    const gateway = await startGateway(config(emulator, { embedding_model: "down/text-embedding-3-small" }, down), { logger: pino({ level: "debug" }, sink) });
    const first = await chat(gateway, "embeddings are down");
    expect(first.statusCode).toBe(200);
    expect(first.headers["x-switchyard-cache"]).toBe("miss");
    const second = await chat(gateway, "Embeddings are down");
    expect(second.statusCode).toBe(200);
    expect(second.headers["x-switchyard-cache"]).toBe("miss");
    // The exact layer still works without embeddings.
    expect((await until(gateway, "embeddings are down", "hit")).headers["x-switchyard-cache"]).toBe("hit");
    const failures = lines.filter((line) => line.msg.startsWith("semantic cache: embedding failed"));
    expect(failures.filter((line) => line.level === 40)).toHaveLength(1);
    expect(failures.length).toBeGreaterThanOrEqual(2);
    await gateway.close();
  });

  it("abandons a slow embedding call after timeout_ms and answers as a miss", async () => {
    // An upstream that never answers in the test's lifetime: without the timeout the request would hang.
    const slow = await startOpenaiEmulator({ latencyMs: 600_000 });
    const providers = { slow: { type: "openai", base_url: slow.baseURL, api_key: "none" } };
    const gateway = await startGateway(config(emulator, { embedding_model: "slow/text-embedding-3-small", timeout_ms: 50 }, providers));
    const answered = await chat(gateway, "is anyone embedding?");
    expect(answered.statusCode).toBe(200);
    expect(answered.headers["x-switchyard-cache"]).toBe("miss");
    expect(answered.json().choices[0].message.content).toContain("is anyone embedding?");
    expect(slow.requests.some((request) => request.path.endsWith("/embeddings"))).toBe(true);
    await gateway.close();
    await slow.close();
  });

  it("rejects bad semantic settings with the path named", async () => {
    await expect(startGateway(config(emulator, { embedding_model: undefined }))).rejects.toThrow(/cache\.semantic\.embedding_model/);
    await expect(startGateway(config(emulator, { threshold: 1.5 }))).rejects.toThrow(/cache\.semantic\.threshold/);
    await expect(startGateway(config(emulator, { similarity: 0.9 }))).rejects.toThrow(/cache\.semantic/);
    await expect(startGateway(config(emulator, { embedding_model: "no-such-model" }))).rejects.toThrow(/cache\.semantic\.embedding_model: The model 'no-such-model' does not exist/);
  });
});

describe("semantic cache (Redis)", () => {
  let redis: RedisServer;
  let emulator: OpenaiEmulator;
  beforeAll(async () => {
    redis = await startRedis();
    emulator = await startOpenaiEmulator();
  });
  afterAll(async () => {
    await emulator.close();
    await redis.stop();
  });

  it("shares entries between two gateway instances", async () => {
    const one = await startGateway(config(emulator), { env: { REDIS_URL: redis.url } });
    const two = await startGateway(config(emulator), { env: { REDIS_URL: redis.url } });
    expect(one.cache?.semantic?.store.kind).toBe("redis");
    const first = await chat(one, QUESTION);
    expect(first.headers["x-switchyard-cache"]).toBe("miss");
    const near = await until(two, NEAR, "semantic-hit");
    expect(near.headers["x-switchyard-cache"]).toBe("semantic-hit");
    expect(near.json().choices[0].message.content).toBe(first.json().choices[0].message.content);
    const before = chatCalls(emulator);
    expect((await chat(two, OTHER)).headers["x-switchyard-cache"]).toBe("miss");
    expect(chatCalls(emulator)).toBe(before + 1);
    await one.close();
    await two.close();
  });
});
