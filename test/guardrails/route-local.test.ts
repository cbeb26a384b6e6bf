import { Writable } from "node:stream";
import OpenAI from "openai";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";

const MASTER = "sk-master-route-local";
const SSN = "SSN 536-22-8714";
const EMAIL = "alice.smith@example.com";

/** A pino logger whose lines land in an array, to read the request log. */
function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split("\n")) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { logger: pino({ level: "info", base: undefined }, sink), lines };
}

const baseConfig = (cloud: OpenaiEmulator, onprem: OpenaiEmulator) => ({
  providers: {
    cloud: { type: "openai", base_url: cloud.baseURL, api_key: "none" },
    // An OpenAI-compatible server on the operator's own machine.
    onprem: { type: "openai", base_url: onprem.baseURL, api_key: "none", local: true },
  },
  models: {
    gpt: { routes: [{ provider: "cloud", model: "gpt-cloud" }] },
    embedder: { routes: [{ provider: "cloud", model: "embed-cloud" }] },
    "local-chat": { routes: [{ provider: "onprem", model: "llama-onprem" }] },
  },
});

describe("guardrail action route_local through the official openai SDK", () => {
  let cloud: OpenaiEmulator;
  let onprem: OpenaiEmulator;
  let gateway: RunningGateway;
  let client: OpenAI;
  const captured = capturingLogger();

  beforeAll(async () => {
    cloud = await startOpenaiEmulator();
    onprem = await startOpenaiEmulator();
    gateway = await startGateway(
      {
        ...baseConfig(cloud, onprem),
        database: { url: ":memory:" },
        guardrails: {
          local_model: "local-chat",
          input: { us_ssn: "route_local", codename: "route_local" },
          detectors: { custom: { codename: { terms: ["Bluebird"] } } },
        },
      },
      { env: { SWITCHYARD_MASTER_KEY: MASTER }, logger: captured.logger },
    );
    client = new OpenAI({ baseURL: gateway.baseURL, apiKey: MASTER, maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([cloud?.close(), onprem?.close()]);
  });

  it("answers a request carrying a route_local category with the local model, and says so", async () => {
    const before = cloud.requests.length;
    const { data, response } = await client.chat.completions
      .create({ model: "gpt", messages: [{ role: "user", content: `My ${SSN}, write to ${EMAIL}` }] })
      .withResponse();
    expect(response.headers.get("x-switchyard-guardrails-routed")).toBe("local");
    expect(response.headers.get("x-switchyard-provider")).toBe("onprem");
    expect(cloud.requests.length).toBe(before);
    // The local server is exempt: it sees the text unmasked, and the answer comes back whole.
    const seen = JSON.stringify(onprem.requests.at(-1)!.body);
    expect(seen).toContain("536-22-8714");
    expect(seen).toContain(EMAIL);
    expect(onprem.requests.at(-1)!.body.model).toBe("llama-onprem");
    expect(data.choices[0]!.message.content).toBe(`You said: My ${SSN}, write to ${EMAIL}`);
    expect(data.model).toBe("gpt");

    const requestId = response.headers.get("x-request-id")!;
    const audit = await fetch(`${gateway.url}/admin/guardrails/audit?request_id=${requestId}&action=route_local`, { headers: { authorization: `Bearer ${MASTER}` } });
    const entries = ((await audit.json()) as { data: Array<Record<string, unknown>> }).data;
    expect(entries).toEqual([expect.objectContaining({ category: "us_ssn", action: "route_local", count: 1, provider: "onprem", model: "gpt" })]);
    const line = captured.lines.find((entry) => entry.requestId === requestId && entry.msg === "request completed");
    expect(line).toMatchObject({ guardrailsRouted: "local", provider: "onprem", model: "local-chat" });
  });

  it("sends requests without such a category to the third party, masked as usual", async () => {
    const { data, response } = await client.chat.completions.create({ model: "gpt", messages: [{ role: "user", content: `write to ${EMAIL}` }] }).withResponse();
    expect(response.headers.get("x-switchyard-guardrails-routed")).toBeNull();
    expect(response.headers.get("x-switchyard-provider")).toBe("cloud");
    expect(JSON.stringify(cloud.requests.at(-1)!.body)).not.toContain(EMAIL);
    expect(data.choices[0]!.message.content).toBe(`You said: write to ${EMAIL}`);
  });

  it("routes a streamed request locally, custom categories included", async () => {
    const before = cloud.requests.length;
    const stream = await client.chat.completions.create({ model: "gpt", stream: true, messages: [{ role: "user", content: "Status of Project Bluebird?" }] }).withResponse();
    expect(stream.response.headers.get("x-switchyard-guardrails-routed")).toBe("local");
    let text = "";
    for await (const chunk of stream.data) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("You said: Status of Project Bluebird?");
    expect(cloud.requests.length).toBe(before);
  });

  it("answers locally even for a key limited to the third-party model", async () => {
    const project = await gateway.control.projects.create({ name: "route-local-project" });
    const { secret } = await gateway.control.keys.create(project.id, { allowedModels: ["gpt"] });
    const limited = new OpenAI({ baseURL: gateway.baseURL, apiKey: secret, maxRetries: 0 });
    const { response } = await limited.chat.completions.create({ model: "gpt", messages: [{ role: "user", content: SSN }] }).withResponse();
    expect(response.headers.get("x-switchyard-guardrails-routed")).toBe("local");
    // The key still may not call the local model by name.
    await expect(limited.chat.completions.create({ model: "local-chat", messages: [{ role: "user", content: "hi" }] })).rejects.toMatchObject({ status: 403 });
  });

  it("refuses embeddings carrying such a category rather than sending them out", async () => {
    const before = cloud.requests.length;
    const error = await client.embeddings.create({ model: "embedder", input: `My ${SSN}` }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).message).toContain("us_ssn");
    expect(cloud.requests.length).toBe(before);
  });
});

describe("route_local configuration", () => {
  let cloud: OpenaiEmulator;
  let onprem: OpenaiEmulator;

  beforeAll(async () => {
    cloud = await startOpenaiEmulator();
    onprem = await startOpenaiEmulator();
  });
  afterAll(async () => {
    await Promise.all([cloud?.close(), onprem?.close()]);
  });

  const open = (guardrails: Record<string, unknown>) =>
    createApp({ logger: pino({ level: "silent" }), env: {}, config: { ...baseConfig(cloud, onprem), database: { url: ":memory:" }, guardrails } });

  it("needs a local_model", async () => {
    await expect(open({ input: { us_ssn: "route_local" } })).rejects.toThrow(/route_local needs guardrails.local_model/);
  });

  it("refuses a local_model that reaches a third party", async () => {
    await expect(open({ local_model: "gpt", input: { us_ssn: "route_local" } })).rejects.toThrow(/must route only to local providers.*cloud/);
  });

  it("refuses an unknown local_model", async () => {
    await expect(open({ local_model: "nope", input: { us_ssn: "route_local" } })).rejects.toThrow(/no model named "nope"/);
  });
});
