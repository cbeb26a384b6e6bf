import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { defaultReply } from "../emulators/openai/responder.js";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";

const MASTER = "sk-master-deployment-prompts";
const EMAIL = "jane.doe@example.com";
const CARD = "4111 1111 1111 1111";
const IBAN = "DE89 3704 0044 0532 0130 00";
const OWN_EMAIL = "ops.lead@example.com";

type UpstreamMessage = { role: string; content: unknown };

/** The text of the system message a provider received. */
const systemText = (emulator: OpenaiEmulator): string => {
  const messages = (emulator.requests.at(-1)!.body as { messages: UpstreamMessage[] }).messages;
  return JSON.stringify(messages.find((message) => message.role === "system")?.content ?? "");
};

describe("guardrails on the text a deployment adds (system prompt and template variables)", () => {
  let upstream: OpenaiEmulator;
  let trusted: OpenaiEmulator;
  let gateway: RunningGateway;
  let client: OpenAI;

  const variables = (values: Record<string, string>) => ({ headers: { "x-switchyard-variables": JSON.stringify(values) } });

  beforeAll(async () => {
    // Three-character chunks split every placeholder across several SSE events.
    upstream = await startOpenaiEmulator({ chunkSize: 3 });
    trusted = await startOpenaiEmulator({ chunkSize: 3 });
    gateway = await startGateway(
      {
        providers: {
          up: { type: "openai", base_url: upstream.baseURL, api_key: "none" },
          inhouse: { type: "openai", base_url: trusted.baseURL, api_key: "none" },
        },
        models: {
          gpt: { routes: [{ provider: "up", model: "gpt-test" }] },
          private: { routes: [{ provider: "inhouse", model: "private-test" }] },
        },
        database: { url: ":memory:" },
        guardrails: {
          input: { iban: "block" },
          providers: { inhouse: { exempt: true } },
          audit: { store: "memory" },
        },
        deployments: {
          support: {
            model: "gpt",
            system_prompt: `You assist {{customer}} <{{contact}}>, card {{card}}. Escalate to ${OWN_EMAIL}.`,
            variables: { customer: "a customer", card: "none" },
          },
          billing: { model: "gpt", system_prompt: "Refunds go to {{account}}." },
          "strict-support": { model: "gpt", system_prompt: "Contact: {{contact}}.", guardrails: { input: { email: "block" } } },
          "open-support": { model: "gpt", system_prompt: "Contact: {{contact}}.", guardrails: { input: { email: "allow" } } },
          "inhouse-support": { model: "private", system_prompt: "Contact: {{contact}}." },
          "mixed-support": {
            variants: [
              { name: "a", model: "private", weight: 1, system_prompt: "Contact: {{contact}}." },
              { name: "b", model: "gpt", weight: 1, system_prompt: "Contact: {{contact}}." },
            ],
          },
        },
      },
      { env: { SWITCHYARD_MASTER_KEY: MASTER } },
    );
    client = new OpenAI({ baseURL: gateway.baseURL, apiKey: MASTER, maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([upstream?.close(), trusted?.close()]);
  });

  beforeEach(() => {
    // The model repeats its instructions, placeholders and all.
    upstream.options.reply = (body) => {
      const system = (body.messages as Array<{ role: string; content: string }>).find((message) => message.role === "system");
      return { ...defaultReply(body), text: `Noted: ${system?.content ?? ""}` };
    };
  });

  const ask = { model: "support", messages: [{ role: "user" as const, content: "Hello" }] };
  const clear = `Noted: You assist a customer <${EMAIL}>, card ${CARD}. Escalate to ${OWN_EMAIL}.`;

  it("masks variable values and the deployment's own prompt text upstream, and unmasks the answer", async () => {
    const { data, response } = await client.chat.completions.create(ask, variables({ contact: EMAIL, card: CARD })).withResponse();
    const sent = systemText(upstream);
    for (const original of [EMAIL, CARD, OWN_EMAIL]) expect(sent).not.toContain(original);
    expect(sent).toContain("[EMAIL_1]");
    expect(sent).toContain("[CREDIT_CARD_1]");
    expect(sent).toContain("[EMAIL_2]");
    expect(data.choices[0]!.message.content).toBe(clear);
    expect(response.headers.get("x-switchyard-deployment")).toBe("support@v1");
    expect(response.headers.get("x-switchyard-guardrails-masked")).toBe("3");

    // Audited under the name the client called, never with the values.
    const entries = await gateway.guardrails!.audit.query({ requestId: response.headers.get("x-request-id")!, limit: 10 });
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ model: "support", direction: "input", category: "email", action: "mask", count: 2 }),
        expect.objectContaining({ model: "support", direction: "input", category: "credit_card", action: "mask", count: 1 }),
      ]),
    );
    expect(JSON.stringify(entries)).not.toContain(EMAIL);
  });

  it("unmasks placeholders from the deployment's prompt in a stream", async () => {
    const stream = await client.chat.completions.create({ ...ask, stream: true }, variables({ contact: EMAIL, card: CARD }));
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    for (const original of [EMAIL, CARD, OWN_EMAIL]) expect(systemText(upstream)).not.toContain(original);
    expect(text).toBe(clear);
  });

  it("refuses a blocked category in a variable with the OpenAI-format 400, before any provider sees it", async () => {
    const before = upstream.requests.length;
    const response = await gateway.server.inject({
      method: "POST",
      url: "/v1/chat/completions",
      headers: { authorization: `Bearer ${MASTER}`, "x-switchyard-variables": JSON.stringify({ account: IBAN }) },
      payload: { model: "billing", messages: [{ role: "user", content: "Where do refunds go?" }] },
    });
    expect(response.statusCode).toBe(400);
    const { error } = response.json() as { error: { message: string; type: string; param: string | null; code: string } };
    expect(error).toMatchObject({ type: "invalid_request_error", param: "system_prompt", code: "SWY_ERR_GUARDRAIL_BLOCKED" });
    expect(error.message).toContain("iban");
    expect(response.body).not.toContain("3704");
    expect(upstream.requests.length).toBe(before);
    const entries = await gateway.guardrails!.audit.query({ requestId: response.headers["x-request-id"] as string, limit: 10 });
    expect(entries).toEqual([expect.objectContaining({ model: "billing", category: "iban", action: "block" })]);
  });

  it("applies a deployment's own guardrail policy to its prompt and to the client's messages", async () => {
    const before = upstream.requests.length;
    const inVariable = await client.chat.completions.create({ model: "strict-support", messages: [{ role: "user", content: "Hi" }] }, variables({ contact: EMAIL })).catch((failure: unknown) => failure);
    expect(inVariable).toBeInstanceOf(OpenAI.BadRequestError);
    expect((inVariable as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("system_prompt");
    expect((inVariable as InstanceType<typeof OpenAI.BadRequestError>).message).toContain("email");

    // The client's messages keep the indices it sent, though the deployment put its prompt first.
    const inMessage = await client.chat.completions.create({ model: "strict-support", messages: [{ role: "user", content: `Mail ${EMAIL}` }] }, variables({ contact: "the desk" })).catch((failure: unknown) => failure);
    expect(inMessage).toBeInstanceOf(OpenAI.BadRequestError);
    expect((inMessage as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("messages[0].content");
    expect(upstream.requests.length).toBe(before);

    // The same model under a deployment that allows email: the value goes as is.
    await client.chat.completions.create({ model: "open-support", messages: [{ role: "user", content: "Hi" }] }, variables({ contact: EMAIL }));
    expect(systemText(upstream)).toContain(EMAIL);
  });

  it("sends variables in clear text to an exempt provider, and masks them when any A/B variant is a third party", async () => {
    trusted.options.reply = upstream.options.reply;
    const direct = await client.chat.completions.create({ model: "inhouse-support", messages: [{ role: "user", content: "Hi" }] }, variables({ contact: EMAIL }));
    expect(systemText(trusted)).toContain(EMAIL);
    expect(direct.choices[0]!.message.content).toBe(`Noted: Contact: ${EMAIL}.`);

    const answered = new Set<string>();
    for (const user of ["u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8"]) {
      const counts = [upstream.requests.length, trusted.requests.length];
      const completion = await client.chat.completions.create({ model: "mixed-support", user, messages: [{ role: "user", content: "Hi" }] }, variables({ contact: EMAIL }));
      const emulator = upstream.requests.length > counts[0]! ? upstream : trusted;
      answered.add(emulator === upstream ? "b" : "a");
      expect(systemText(emulator)).not.toContain(EMAIL);
      expect(systemText(emulator)).toContain("[EMAIL_1]");
      expect(completion.choices[0]!.message.content).toBe(`Noted: Contact: ${EMAIL}.`);
    }
    // Both variants were drawn, so the exempt one too got the masked text.
    expect(answered).toEqual(new Set(["a", "b"]));
  });
});
