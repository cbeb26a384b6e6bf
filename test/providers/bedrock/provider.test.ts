import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatRequest } from "../../../src/core/types.js";
import { bedrockProvider } from "../../../src/providers/bedrock/index.js";
import type { ProviderAdapter } from "../../../src/providers/contract.js";
import { createLogger } from "../../../src/observability/logger.js";
import { startBedrockEmulator, type BedrockEmulator } from "../../emulators/bedrock/server.js";
import { collect } from "./fixtures.js";

const credentials = { accessKeyId: "AKIDPROVIDER", secretAccessKey: "provider/secret", sessionToken: "tok" };
const env = { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_SESSION_TOKEN: "tok", AWS_REGION: "eu-west-1" };
const context = (variables: Record<string, string>) => ({
  logger: createLogger("silent"),
  dataDir: tmpdir(),
  resolveSecret: (reference: string | undefined) => {
    if (!reference?.startsWith("env:")) return reference;
    const value = variables[reference.slice(4)];
    if (value === undefined) throw new Error(`environment variable ${reference.slice(4)} is not set`);
    return value;
  },
});
const hello: ChatRequest = { model: "anthropic.claude-3-haiku-20240307-v1:0", messages: [{ role: "user", content: [{ type: "text", text: "hello" }] }] };
const call = { signal: new AbortController().signal, requestId: "r1" };

describe("Bedrock provider against the emulator", () => {
  let emulator: BedrockEmulator;
  const providers: ProviderAdapter[] = [];
  const make = (config: Record<string, unknown>, variables: Record<string, string> = env) => {
    const provider = bedrockProvider.create("bedrock", bedrockProvider.configSchema.parse({ type: "bedrock", base_url: emulator.url, ...config }), context(variables));
    providers.push(provider);
    return provider;
  };

  beforeAll(async () => {
    emulator = await startBedrockEmulator({ credentials });
  });
  afterAll(async () => {
    await Promise.all(providers.map((provider) => provider.close?.()));
    await emulator.close();
  });

  it("signs with the standard AWS environment variables; streams and answers whole", async () => {
    const provider = make({});
    const streamed = await collect(await provider.stream(hello, { ...call, stream: true }));
    expect(streamed.filter((part) => part.type === "text-delta").map((part) => part.text).join("")).toBe("You said: hello");
    const seen = emulator.requests.at(-1)!;
    expect(seen.path).toBe("/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream");
    expect(seen.headers.authorization).toContain("/eu-west-1/bedrock/aws4_request");
    expect(seen.headers["x-amz-security-token"]).toBe("tok");
    const whole = await collect(await provider.stream(hello, { ...call, stream: false }));
    expect(whole.at(-1)).toEqual({ type: "finish", reason: { unified: "stop", raw: "end_turn" } });
  });

  it("signs with keys from config locations and fails cleanly with wrong ones", async () => {
    const provider = make(
      { region: "us-west-2", access_key_id: "env:MY_KEY", secret_access_key: "env:MY_SECRET", session_token: "env:MY_TOKEN" },
      { MY_KEY: credentials.accessKeyId, MY_SECRET: credentials.secretAccessKey, MY_TOKEN: "tok" },
    );
    await collect(await provider.stream(hello, { ...call, stream: false }));
    expect(emulator.requests.at(-1)!.headers.authorization).toContain("/us-west-2/bedrock/");
    const wrong = make({ region: "us-west-2", access_key_id: "AKIDPROVIDER", secret_access_key: "nope" });
    const error = await wrong.stream(hello, call).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "SWY_ERR_UPSTREAM_AUTH" });
  });

  it("rejects before any part on throttling, with a retryable error", async () => {
    const provider = make({});
    emulator.faults.push({ kind: "status", status: 429, message: "Too many requests, please wait before trying again." });
    const error = await provider.stream(hello, call).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "SWY_ERR_UPSTREAM_RATE_LIMITED", retryable: true });
    expect((error as Error).message).toContain("Too many requests");
  });

  it("signs with a profile from the shared credentials file through the AWS SDK's chain", async () => {
    const directory = mkdtempSync(join(tmpdir(), "swy-aws-"));
    writeFileSync(join(directory, "credentials"), `[gateway]\naws_access_key_id = ${credentials.accessKeyId}\naws_secret_access_key = ${credentials.secretAccessKey}\naws_session_token = tok\n`);
    writeFileSync(join(directory, "config"), "[profile gateway]\nregion = ap-south-1\n");
    const saved = { credentials: process.env.AWS_SHARED_CREDENTIALS_FILE, config: process.env.AWS_CONFIG_FILE };
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(directory, "credentials");
    process.env.AWS_CONFIG_FILE = join(directory, "config");
    try {
      const provider = make({ region: "ap-south-1", profile: "gateway" }, {});
      await collect(await provider.stream(hello, { ...call, stream: false }));
      expect(emulator.requests.at(-1)!.headers.authorization).toContain(`Credential=${credentials.accessKeyId}/`);
    } finally {
      for (const [key, value] of [["AWS_SHARED_CREDENTIALS_FILE", saved.credentials], ["AWS_CONFIG_FILE", saved.config]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it("needs a region", () => {
    expect(() => bedrockProvider.create("b", bedrockProvider.configSchema.parse({ type: "bedrock" }), context({}))).toThrow(/region/);
  });

  it("embeds with Titan (one call per text) and Cohere (one batch)", async () => {
    const provider = make({});
    const titan = await provider.embed!({ model: "amazon.titan-embed-text-v2:0", input: ["one two", "three"], dimensions: 4 }, call);
    expect(titan.embeddings.map((vector) => vector.length)).toEqual([4, 4]);
    expect(titan.usage.inputTokens).toBe(3);
    const cohere = await provider.embed!({ model: "cohere.embed-english-v3", input: ["a b", "c"] }, call);
    expect(cohere.embeddings).toHaveLength(2);
    expect(cohere.usage.inputTokens).toBe(3);
    const unsupported = await provider.embed!({ model: "meta.llama3-8b-instruct-v1:0", input: ["x"] }, call).catch((caught: unknown) => caught);
    expect(unsupported).toMatchObject({ code: "SWY_ERR_INVALID_REQUEST", status: 400 });
  });
});
