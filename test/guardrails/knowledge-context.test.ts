import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { defaultReply } from "../emulators/openai/responder.js";
import { MASTER, knowledgeFixture, projectWithKey, type KnowledgeFixture } from "../knowledge/fixture.js";

const EMAIL = "ada.quist@velin.example";
const CARD = "4111 1111 1111 1111";
const DOCUMENT = `The harbour master of Port Velin is Ada Quist. Write to her at ${EMAIL}; harbour fees go on card ${CARD}.`;

type UpstreamMessage = { role: string; content: unknown };

describe("guardrails on text a knowledge base adds to the prompt", () => {
  let fixture: KnowledgeFixture;
  let app: App;
  let key: string;
  let projectId: string;

  const call = async (method: "GET" | "POST", url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    app.server.inject({ method, url, headers: { authorization: `Bearer ${key}`, ...headers }, payload: payload as Record<string, unknown> | undefined });
  const createBase = async (embeddingModel: string) => {
    const base = await call("POST", "/v1/knowledge_bases", { name: `harbour-${embeddingModel}`, embedding_model: embeddingModel, dimensions: 16 });
    expect(base.statusCode).toBe(200);
    const id = (base.json() as { id: string }).id;
    const document = await call("POST", `/v1/knowledge_bases/${id}/documents`, { text: DOCUMENT });
    expect(document.statusCode).toBeLessThan(300);
    return id;
  };
  const ask = (model: string, base: string) =>
    call("POST", "/v1/chat/completions", { model, messages: [{ role: "user", content: "Who is the harbour master?" }] }, { "x-switchyard-knowledge-base": base });
  const chats = () => fixture.upstream.requests.filter((request) => request.path === "/v1/chat/completions");
  const lastChatText = () => JSON.stringify((chats().at(-1)!.body as { messages: UpstreamMessage[] }).messages);
  const embeddingTexts = () => fixture.upstream.requests.filter((request) => request.path === "/v1/embeddings").map((request) => JSON.stringify(request.body.input));

  beforeAll(async () => {
    fixture = await knowledgeFixture({
      // Two names for the same upstream: `inhouse` is trusted (exempt), `up` is a third party.
      providers: {
        up: { type: "openai", base_url: "", api_key: "none" },
        inhouse: { type: "openai", base_url: "", api_key: "none" },
      },
      models: {
        embedder: { routes: [{ provider: "up", model: "text-embedding-3-small" }] },
        "embedder-private": { routes: [{ provider: "inhouse", model: "text-embedding-3-small" }] },
        chat: { routes: [{ provider: "up", model: "gpt-test" }] },
        "chat-strict": { routes: [{ provider: "up", model: "gpt-test" }] },
        "chat-private": { routes: [{ provider: "inhouse", model: "gpt-test" }] },
      },
      guardrails: {
        audit: { store: "memory" },
        providers: { inhouse: { exempt: true } },
        models: { "chat-strict": { input: { credit_card: "block" } } },
      },
    });
    const providers = fixture.config.providers as Record<string, { base_url: string }>;
    providers.up!.base_url = fixture.upstream.baseURL;
    providers.inhouse!.base_url = fixture.upstream.baseURL;
    app = await fixture.open();
    ({ key, projectId } = await projectWithKey(app, "harbour"));
  });

  afterAll(async () => {
    await fixture?.close();
  });

  beforeEach(() => {
    fixture.upstream.options.reply = undefined;
  });

  it("masks a retrieved chunk before a third-party chat provider sees it, and unmasks the answer", async () => {
    const base = await createBase("embedder");
    // The document was embedded by a third party too: masked there as well.
    expect(embeddingTexts().some((text) => text.includes("[EMAIL_1]"))).toBe(true);
    for (const text of embeddingTexts()) expect(text).not.toContain(EMAIL);

    fixture.upstream.options.reply = (body) => {
      const placeholder = /\[EMAIL_\d+\]/.exec(JSON.stringify(body.messages))?.[0] ?? "(none)";
      return { ...defaultReply(body), text: `Write to ${placeholder}.` };
    };
    const response = await ask("chat", base);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.headers["x-switchyard-sources"] as string)).toHaveLength(1);
    const sent = lastChatText();
    expect(sent).toContain("Ada Quist");
    expect(sent).toContain("[EMAIL_1]");
    expect(sent).toContain("[CREDIT_CARD_1]");
    expect(sent).not.toContain(EMAIL);
    expect(sent).not.toContain(CARD);
    expect((response.json() as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toBe(`Write to ${EMAIL}.`);
    expect(response.headers["x-switchyard-guardrails-masked"]).toBe("2");

    const entries = await app.guardrails!.audit.query({ requestId: response.headers["x-request-id"] as string, limit: 100 });
    expect(entries.filter((entry) => entry.model === "chat").map((entry) => `${entry.category}:${entry.action}`).sort()).toEqual(["credit_card:mask", "email:mask"]);
  });

  it("sends the chunk in clear to an exempt provider, and blocks it for a model whose policy blocks its category", async () => {
    const base = await createBase("embedder-private");
    const private_ = await ask("chat-private", base);
    expect(private_.statusCode).toBe(200);
    expect(lastChatText()).toContain(EMAIL);

    const before = chats().length;
    const blocked = await ask("chat-strict", base);
    expect(blocked.statusCode).toBe(400);
    expect(blocked.json()).toMatchObject({ error: { code: "SWY_ERR_GUARDRAIL_BLOCKED", param: "messages[0].content" } });
    expect(blocked.body).toContain("credit_card");
    expect(blocked.body).not.toContain("4111");
    expect(chats().length).toBe(before);
  });

  it("masks a chunk for a deployment that carries the knowledge base", async () => {
    const base = await createBase("embedder");
    const deployed = await app.server.inject({ method: "PUT", url: `/admin/deployments/harbour-bot?project_id=${projectId}`, headers: { authorization: `Bearer ${MASTER}` }, payload: { model: "chat", knowledge_base: base } });
    expect(deployed.statusCode).toBeLessThan(300);
    const response = await ask("harbour-bot", base);
    expect(response.statusCode).toBe(200);
    expect(lastChatText()).toContain("[EMAIL_1]");
    expect(lastChatText()).not.toContain(EMAIL);
  });
});
