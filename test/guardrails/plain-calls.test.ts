import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";
import { legacyCompletionsProvider, startLegacyCompletionsEmulator, type LegacyCompletionsEmulator } from "./legacy-completions.js";

const MASTER = "sk-master-guardrails-plain";
const EMAIL = "alice.smith@example.com";
const CARD = "4111 1111 1111 1111";
const OPENAI_KEY = "sk-proj-Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4fGh7jKl0n";
const ORIGINALS = [EMAIL, CARD, OPENAI_KEY];
const PROMPT = `Customer ${EMAIL} paid with ${CARD} and pasted the key ${OPENAI_KEY}. Reply:`;

interface AuditRow {
  request_id: string;
  model: string;
  direction: string;
  category: string;
  action: string;
  count: number;
}

describe("guardrails on /v1/embeddings and /v1/completions", () => {
  let upstream: OpenaiEmulator;
  let trusted: OpenaiEmulator;
  let legacy: LegacyCompletionsEmulator;
  let gateway: RunningGateway;
  let client: OpenAI;

  beforeAll(async () => {
    upstream = await startOpenaiEmulator();
    trusted = await startOpenaiEmulator();
    legacy = await startLegacyCompletionsEmulator(3);
    gateway = await startGateway(
      {
        providers: {
          up: { type: "openai", base_url: upstream.baseURL, api_key: "none" },
          inhouse: { type: "openai", base_url: trusted.baseURL, api_key: "none" },
        },
        models: {
          embedder: { routes: [{ provider: "up", model: "text-embedding-3-small" }] },
          "embedder-strict": { routes: [{ provider: "up", model: "text-embedding-3-small" }] },
          "embedder-private": { routes: [{ provider: "inhouse", model: "text-embedding-3-small" }] },
        },
        guardrails: {
          models: {
            "embedder-strict": { input: { email: "block" } },
            "base-strict": { input: { api_key: "block" } },
          },
          providers: { inhouse: { exempt: true } },
        },
        deployments: {
          // The first variant's provider is exempt, the second's is not.
          "vectors-ab": { variants: [{ name: "a", model: "embedder-private" }, { name: "b", model: "embedder" }] },
        },
      },
      { env: { SWITCHYARD_MASTER_KEY: MASTER } },
    );
    // Only in-process models serve /v1/completions among the built-in providers; these reach an HTTP upstream.
    const remote = legacyCompletionsProvider("legacy", legacy.baseURL);
    const onMachine = legacyCompletionsProvider("legacy-local", legacy.baseURL, true);
    gateway.runtime.models.register({ name: "base", routes: [{ provider: remote, model: "davinci-002" }], origin: "runtime" });
    gateway.runtime.models.register({ name: "base-strict", routes: [{ provider: remote, model: "davinci-002" }], origin: "runtime" });
    gateway.runtime.models.register({ name: "base-local", routes: [{ provider: onMachine, model: "local-base" }], origin: "runtime" });
    client = new OpenAI({ baseURL: gateway.baseURL, apiKey: MASTER, maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([upstream?.close(), trusted?.close(), legacy?.close()]);
  });

  const audit = async (requestId: string): Promise<AuditRow[]> => {
    const response = await fetch(`${gateway.url}/admin/guardrails/audit?request_id=${encodeURIComponent(requestId)}`, { headers: { authorization: `Bearer ${MASTER}` } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { data: AuditRow[] }).data;
  };
  const categories = (rows: AuditRow[]) => rows.map((row) => `${row.direction}:${row.category}:${row.action}`).sort();

  it("masks embedding inputs before the provider sees them, each input on its own", async () => {
    const other = "bob@example.org";
    const input = [`Contact ${other} or ${EMAIL}`, `Card ${CARD}`, `Key ${OPENAI_KEY}`, `Again ${EMAIL}`];
    const { data, response } = await client.embeddings.create({ model: "embedder", input, encoding_format: "float" }).withResponse();
    expect(data.data).toHaveLength(4);
    const sent = upstream.requests.at(-1)!.body as { input: string[] };
    // Numbered per input: a text masks to the same text (and vector) whatever else is in the batch.
    expect(sent.input).toEqual(["Contact [EMAIL_1] or [EMAIL_2]", "Card [CREDIT_CARD_1]", "Key [API_KEY_1]", "Again [EMAIL_1]"]);
    for (const original of [...ORIGINALS, other]) expect(JSON.stringify(sent)).not.toContain(original);
    expect(response.headers.get("x-switchyard-guardrails-masked")).toBe("5");

    const requestId = response.headers.get("x-request-id")!;
    const rows = await audit(requestId);
    expect(categories(rows)).toEqual(["input:api_key:mask", "input:credit_card:mask", "input:email:mask"]);
    expect(rows.find((row) => row.category === "email")).toMatchObject({ model: "embedder", count: 3 });
    expect(JSON.stringify(rows)).not.toContain(EMAIL);
  });

  it("leaves embedding inputs alone for an exempt provider, as chat does", async () => {
    await client.embeddings.create({ model: "embedder-private", input: `Contact ${EMAIL}`, encoding_format: "float" });
    expect((trusted.requests.at(-1)!.body as { input: string[] }).input).toEqual([`Contact ${EMAIL}`]);
  });

  it("masks for a deployment when any of its A/B variants reaches a third party, whichever variant answers", async () => {
    const answered = new Set<string>();
    for (const user of ["u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8"]) {
      const counts = [upstream.requests.length, trusted.requests.length];
      await client.embeddings.create({ model: "vectors-ab", input: `Contact ${EMAIL}`, user, encoding_format: "float" });
      const emulator = upstream.requests.length > counts[0]! ? upstream : trusted;
      answered.add(emulator === upstream ? "b" : "a");
      expect((emulator.requests.at(-1)!.body as { input: string[] }).input).toEqual(["Contact [EMAIL_1]"]);
    }
    // Both variants were drawn, so the exempt one too got the masked text.
    expect(answered).toEqual(new Set(["a", "b"]));
  });

  it("blocks an embedding input with the OpenAI-style 400 naming the category and the input, and audits it", async () => {
    const before = upstream.requests.length;
    const response = await gateway.server.inject({
      method: "POST",
      url: "/v1/embeddings",
      headers: { authorization: `Bearer ${MASTER}` },
      payload: { model: "embedder-strict", input: ["fine text", `mail ${EMAIL}`] },
    });
    expect(response.statusCode).toBe(400);
    const { error } = response.json() as { error: { code: string; param: string; message: string; type: string } };
    expect(error).toMatchObject({ code: "SWY_ERR_GUARDRAIL_BLOCKED", param: "input[1]", type: "invalid_request_error" });
    expect(error.message).toContain("email");
    expect(error.message).not.toContain(EMAIL);
    expect(upstream.requests.length).toBe(before);
    expect(categories(await audit(response.headers["x-request-id"] as string))).toEqual(["input:email:block"]);

    const single = await gateway.server.inject({ method: "POST", url: "/v1/embeddings", headers: { authorization: `Bearer ${MASTER}` }, payload: { model: "embedder-strict", input: EMAIL } });
    expect(single.json()).toMatchObject({ error: { code: "SWY_ERR_GUARDRAIL_BLOCKED", param: "input" } });
  });

  it("masks a completion prompt upstream and restores the originals in the answer", async () => {
    const { data, response } = await client.completions.create({ model: "base", prompt: PROMPT, max_tokens: 32 }).withResponse();
    const sent = legacy.requests.at(-1)!.body.prompt;
    expect(sent).toBe("Customer [EMAIL_1] paid with [CREDIT_CARD_1] and pasted the key [API_KEY_1]. Reply:");
    expect(data.choices[0]!.text).toBe(`You wrote: ${PROMPT}`);
    expect(response.headers.get("x-switchyard-guardrails-masked")).toBe("3");
    const rows = await audit(response.headers.get("x-request-id")!);
    expect(categories(rows)).toEqual(["input:api_key:mask", "input:credit_card:mask", "input:email:mask"]);
    expect(rows.every((row) => row.model === "base")).toBe(true);
  });

  it("restores placeholders split across streamed completion chunks", async () => {
    const stream = await client.completions.create({ model: "base", prompt: PROMPT, max_tokens: 32, stream: true });
    let text = "";
    let chunks = 0;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.text;
      if (delta) {
        text += delta;
        chunks++;
      }
    }
    for (const original of ORIGINALS) expect(legacy.requests.at(-1)!.body.prompt).not.toContain(original);
    expect(text).toBe(`You wrote: ${PROMPT}`);
    expect(chunks).toBeGreaterThan(5);
  });

  it("leaves a completion prompt alone for an in-process (local) provider, but still checks its answer, as chat does", async () => {
    const completion = await client.completions.create({ model: "base-local", prompt: PROMPT, max_tokens: 32 });
    expect(legacy.requests.at(-1)!.body.prompt).toBe(PROMPT);
    // The key came back from the model in clear, so the default output policy redacts it.
    expect(completion.choices[0]!.text).toBe(`You wrote: ${PROMPT.replace(OPENAI_KEY, "[REDACTED_API_KEY]")}`);
  });

  it("blocks a completion prompt with the OpenAI-style 400 naming `prompt`, before anything is sent", async () => {
    const before = legacy.requests.length;
    const failure = await client.completions.create({ model: "base-strict", prompt: `use ${OPENAI_KEY}`, max_tokens: 8 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    const error = failure as InstanceType<typeof OpenAI.BadRequestError>;
    expect(error.code).toBe("SWY_ERR_GUARDRAIL_BLOCKED");
    expect(error.param).toBe("prompt");
    expect(error.message).toContain("api_key");
    expect(error.message).not.toContain(OPENAI_KEY);
    expect(legacy.requests.length).toBe(before);
    const streamed = await client.completions.create({ model: "base-strict", prompt: `use ${OPENAI_KEY}`, max_tokens: 8, stream: true }).catch((error: unknown) => error);
    expect((streamed as { status?: number }).status).toBe(400);
    expect(legacy.requests.length).toBe(before);
  });
});
