import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatRequest } from "../../../src/core/types.js";
import type { ProviderAdapter } from "../../../src/providers/contract.js";
import { geminiProvider } from "../../../src/providers/gemini/index.js";
import { createLogger } from "../../../src/observability/logger.js";
import { startGeminiEmulator, type GeminiEmulator } from "../../emulators/gemini/server.js";
import { collect } from "./fixtures.js";

const context = (env: Record<string, string> = {}) => ({
  logger: createLogger("silent"),
  dataDir: tmpdir(),
  resolveSecret: (reference: string | undefined) => (reference?.startsWith("env:") ? env[reference.slice(4)] : reference),
});

const hello: ChatRequest = { model: "gemini-2.0-flash", messages: [{ role: "user", content: [{ type: "text", text: "hello" }] }] };
const call = { signal: new AbortController().signal, requestId: "r1" };

describe("Gemini provider against the emulator", () => {
  let emulator: GeminiEmulator;
  const providers: ProviderAdapter[] = [];
  const make = (config: Record<string, unknown>, env?: Record<string, string>) => {
    const provider = geminiProvider.create("gemini", geminiProvider.configSchema.parse({ type: "gemini", base_url: emulator.url, ...config }), context(env));
    providers.push(provider);
    return provider;
  };

  beforeAll(async () => {
    emulator = await startGeminiEmulator({ apiKey: "k1", accessToken: "ya29.static" });
  });
  afterAll(async () => {
    await Promise.all(providers.map((provider) => provider.close?.()));
    await emulator.close();
  });

  it("calls AI Studio with the key header, streaming and not", async () => {
    const provider = make({ api_key: "env:GEMINI_API_KEY" }, { GEMINI_API_KEY: "k1" });
    const streamed = await collect(await provider.stream(hello, { ...call, stream: true }));
    expect(streamed.filter((part) => part.type === "text-delta").map((part) => part.text).join("")).toBe("You said: hello");
    expect(emulator.requests.at(-1)!.path).toBe("/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse");
    const whole = await collect(await provider.stream(hello, { ...call, stream: false }));
    expect(whole.at(-1)).toEqual({ type: "finish", reason: { unified: "stop", raw: "STOP" } });
    expect(emulator.requests.at(-1)!.headers["x-goog-api-key"]).toBe("k1");
  });

  it("rejects before any part with a catalogued error when the upstream refuses", async () => {
    const provider = make({ api_key: "k1" });
    emulator.faults.push({ kind: "status", status: 429 });
    const error = await provider.stream(hello, call).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "SWY_ERR_UPSTREAM_RATE_LIMITED", retryable: true, retryAfterSeconds: 1 });
  });

  it("calls Vertex AI URLs with a bearer token from the environment", async () => {
    const provider = make({ vertex: { project: "p1", location: "europe-west4", access_token: "env:VERTEX_TOKEN" } }, { VERTEX_TOKEN: "ya29.static" });
    const parts = await collect(await provider.stream(hello, { ...call, stream: false }));
    expect(parts.some((part) => part.type === "text-delta")).toBe(true);
    const seen = emulator.requests.at(-1)!;
    expect(seen.path).toBe("/v1/projects/p1/locations/europe-west4/publishers/google/models/gemini-2.0-flash:generateContent");
    expect(seen.headers.authorization).toBe("Bearer ya29.static");
  });

  it("mints and caches Vertex tokens from a service-account key", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const file = join(mkdtempSync(join(tmpdir(), "swy-sa-")), "key.json");
    writeFileSync(
      file,
      JSON.stringify({
        type: "service_account",
        client_email: "gateway@p1.iam.gserviceaccount.com",
        private_key: privateKey.export({ type: "pkcs8", format: "pem" }),
        token_uri: `${emulator.url}/token`,
      }),
    );
    const provider = make({ vertex: { project: "p1", location: "global", service_account_file: file } });
    await collect(await provider.stream(hello, { ...call, stream: false }));
    await collect(await provider.stream(hello, { ...call, stream: true }));
    expect(emulator.mintedTokens).toEqual(["ya29.emulated-1"]);
    expect(emulator.requests.at(-1)!.headers.authorization).toBe("Bearer ya29.emulated-1");
  });

  it("embeds through batchEmbedContents (AI Studio) and predict (Vertex)", async () => {
    const studio = make({ api_key: "k1" });
    const result = await studio.embed!({ model: "text-embedding-004", input: ["one", "two"], dimensions: 4 }, call);
    expect(result.embeddings).toHaveLength(2);
    expect(result.embeddings[0]).toHaveLength(4);
    expect(result.usage.estimated).toBe(true);
    expect(emulator.requests.at(-1)!.body.requests[0]).toEqual({ model: "models/text-embedding-004", content: { parts: [{ text: "one" }] }, outputDimensionality: 4 });
    const vertex = make({ vertex: { project: "p1", location: "us-central1", access_token: "ya29.static" } });
    const predicted = await vertex.embed!({ model: "text-embedding-005", input: ["a b c"] }, call);
    expect(predicted.usage.inputTokens).toBe(3);
    expect(emulator.requests.at(-1)!.path).toContain("/models/text-embedding-005:predict");
  });

  it("rejects config that mixes AI Studio and Vertex", () => {
    const parsed = geminiProvider.configSchema.safeParse({ type: "gemini", api_key: "x", vertex: { project: "p", access_token: "t" } });
    expect(parsed.success).toBe(false);
  });
});
