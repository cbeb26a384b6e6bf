import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { knowledgeFixture, projectKey, type KnowledgeFixture } from "./fixture.js";

const HARBOUR = "The harbour master of Port Velin is Ada Quist. She has held the post since 2019.";
const BAKERY = "The bakery on Canal Street opens at six and sells rye bread baked in a wood oven.";

describe("/v1/knowledge_bases", () => {
  let fixture: KnowledgeFixture;
  let app: App;
  let alpha: string;
  let beta: string;
  const as = (key: string) => ({ authorization: `Bearer ${key}` });
  const call = (key: string, method: "GET" | "POST" | "DELETE", url: string, payload?: unknown) =>
    app.server.inject({ method, url, headers: as(key), ...(payload !== undefined ? { payload: payload as object } : {}) });

  beforeAll(async () => {
    fixture = await knowledgeFixture();
    app = await fixture.open();
    alpha = await projectKey(app, "alpha");
    beta = await projectKey(app, "beta");
  });

  afterAll(async () => {
    await fixture?.close();
  });

  it("creates a base (learning the width from the model), adds documents, searches, deletes", async () => {
    const created = await call(alpha, "POST", "/v1/knowledge_bases", { name: "town", embedding_model: "embedder", dimensions: 32, chunk_tokens: 64, chunk_overlap: 8, top_k: 2 });
    expect(created.statusCode, created.body).toBe(200);
    const base = created.json() as { id: string; object: string; dimensions: number; settings: { top_k: number } };
    expect(base).toMatchObject({ object: "knowledge_base", dimensions: 32, settings: { top_k: 2, chunk_tokens: 64 } });
    expect(base.id).toMatch(/^kb_/);

    const harbour = await call(alpha, "POST", `/v1/knowledge_bases/${base.id}/documents`, { text: HARBOUR, name: "harbour.md", metadata: { section: "port" } });
    expect(harbour.statusCode, harbour.body).toBe(200);
    expect(harbour.json()).toMatchObject({ object: "knowledge_base.document", name: "harbour.md", chunks: 1, metadata: { section: "port" } });
    const bakery = await call(alpha, "POST", `/v1/knowledge_bases/${base.id}/documents`, { text: `# Bakery\n\n${BAKERY}` });
    expect(bakery.json()).toMatchObject({ name: "Bakery", chunks: 1 });
    // The embeddings went to the upstream in one batch per document, with the base's dimensions.
    const embedCalls = fixture.upstream.requests.filter((request) => request.path === "/v1/embeddings");
    expect(embedCalls.at(-1)!.body).toMatchObject({ model: "text-embedding-3-small", dimensions: 32, input: [`# Bakery\n\n${BAKERY}`] });

    // The emulator's vectors are hashes of the text: the exact text is the nearest neighbour with cosine 1.
    const search = await call(alpha, "POST", `/v1/knowledge_bases/${base.id}/search`, { query: HARBOUR, top_k: 5 });
    expect(search.statusCode, search.body).toBe(200);
    const hits = (search.json() as { data: Array<{ document_id: string; document_name: string; score: number; text: string; chunk_index: number; injection: { score: number } }> }).data;
    expect(hits).toHaveLength(2);
    expect(hits[0]).toMatchObject({ document_id: (harbour.json() as { id: string }).id, document_name: "harbour.md", text: HARBOUR, chunk_index: 0, injection: { score: 0 } });
    expect(hits[0]!.score).toBeCloseTo(1, 4);
    expect(hits[1]!.score).toBeLessThan(hits[0]!.score);

    const detail = (await call(alpha, "GET", `/v1/knowledge_bases/${base.id}`)).json();
    expect(detail).toMatchObject({ document_count: 2, chunk_count: 2 });
    expect((await call(alpha, "GET", "/v1/knowledge_bases")).json().data.map((entry: { id: string }) => entry.id)).toEqual([base.id]);

    // Deleting a document takes its chunks out of search at once.
    const removed = await call(alpha, "DELETE", `/v1/knowledge_bases/${base.id}/documents/${(harbour.json() as { id: string }).id}`);
    expect(removed.json()).toMatchObject({ deleted: true });
    const after = (await call(alpha, "POST", `/v1/knowledge_bases/${base.id}/search`, { query: HARBOUR })).json().data as Array<{ document_name: string }>;
    expect(after.map((hit) => hit.document_name)).toEqual(["Bakery"]);

    expect((await call(alpha, "DELETE", `/v1/knowledge_bases/${base.id}`)).json()).toMatchObject({ object: "knowledge_base.deleted", deleted: true });
    expect((await call(alpha, "GET", `/v1/knowledge_bases/${base.id}`)).statusCode).toBe(404);
  });

  it("adds a document from an uploaded file", async () => {
    const base = (await call(alpha, "POST", "/v1/knowledge_bases", { name: "files", embedding_model: "embedder" })).json() as { id: string };
    const boundary = "kbboundary";
    const payload =
      `--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nassistants\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="notes.md"\r\n\r\n${HARBOUR}\n\n${BAKERY}\r\n--${boundary}--\r\n`;
    const uploaded = await app.server.inject({ method: "POST", url: "/v1/files", payload, headers: { ...as(alpha), "content-type": `multipart/form-data; boundary=${boundary}` } });
    expect(uploaded.statusCode, uploaded.body).toBe(200);
    const fileId = (uploaded.json() as { id: string }).id;
    const document = await call(alpha, "POST", `/v1/knowledge_bases/${base.id}/documents`, { file_id: fileId });
    expect(document.statusCode, document.body).toBe(200);
    expect(document.json()).toMatchObject({ file_id: fileId, name: fileId, chunks: 1 });
    // Another project cannot index this project's file.
    const other = (await call(beta, "POST", "/v1/knowledge_bases", { name: "b", embedding_model: "embedder" })).json() as { id: string };
    const denied = await call(beta, "POST", `/v1/knowledge_bases/${other.id}/documents`, { file_id: fileId });
    expect(denied.statusCode).toBe(404);
  });

  it("rejects bad input with OpenAI-style 4xx errors", async () => {
    const missing = await call(alpha, "POST", "/v1/knowledge_bases", { name: "x" });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toMatchObject({ type: "invalid_request_error", param: "embedding_model" });
    expect((await call(alpha, "POST", "/v1/knowledge_bases", { name: "x", embedding_model: "embedder", colour: "red" })).statusCode).toBe(400);
    const overlap = await call(alpha, "POST", "/v1/knowledge_bases", { name: "x", embedding_model: "embedder", chunk_tokens: 50, chunk_overlap: 50 });
    expect(overlap.statusCode).toBe(400);
    expect(overlap.json().error.message).toMatch(/chunk_overlap/);
    const unknownModel = await call(alpha, "POST", "/v1/knowledge_bases", { name: "x", embedding_model: "no-such-model" });
    expect(unknownModel.statusCode).toBe(404);
    expect(unknownModel.json().error.code).toBe("SWY_ERR_MODEL_NOT_FOUND");

    const base = (await call(alpha, "POST", "/v1/knowledge_bases", { name: "x", embedding_model: "embedder" })).json() as { id: string };
    expect((await call(alpha, "POST", `/v1/knowledge_bases/${base.id}/documents`, { text: "a", file_id: "file-1" })).statusCode).toBe(400);
    expect((await call(alpha, "POST", `/v1/knowledge_bases/${base.id}/documents`, {})).statusCode).toBe(400);
    expect((await call(alpha, "POST", `/v1/knowledge_bases/${base.id}/documents`, { text: "  \n\n  " })).statusCode).toBe(400);
    expect((await call(alpha, "POST", `/v1/knowledge_bases/${base.id}/documents`, { file_id: "file-nope" })).statusCode).toBe(404);
    expect((await call(alpha, "POST", `/v1/knowledge_bases/${base.id}/search`, { query: "" })).statusCode).toBe(400);
    expect((await call(alpha, "POST", `/v1/knowledge_bases/${base.id}/search`, { query: "q", top_k: 0 })).statusCode).toBe(400);
    expect((await call(alpha, "DELETE", `/v1/knowledge_bases/${base.id}/documents/kdoc_nope`)).statusCode).toBe(404);
    const noKey = await app.server.inject({ method: "GET", url: "/v1/knowledge_bases" });
    expect(noKey.statusCode).toBe(401);
    expect(noKey.json().error.type).toBe("authentication_error");
  });

  it("another project's key sees nothing: list, read, documents, search, delete all answer 404", async () => {
    const base = (await call(alpha, "POST", "/v1/knowledge_bases", { name: "private", embedding_model: "embedder" })).json() as { id: string };
    const document = (await call(alpha, "POST", `/v1/knowledge_bases/${base.id}/documents`, { text: HARBOUR })).json() as { id: string };
    const betaIds = (await call(beta, "GET", "/v1/knowledge_bases")).json().data.map((entry: { id: string }) => entry.id);
    expect(betaIds).not.toContain(base.id);
    for (const [method, url, payload] of [
      ["GET", `/v1/knowledge_bases/${base.id}`],
      ["GET", `/v1/knowledge_bases/${base.id}/documents`],
      ["POST", `/v1/knowledge_bases/${base.id}/documents`, { text: "planted" }],
      ["POST", `/v1/knowledge_bases/${base.id}/search`, { query: HARBOUR }],
      ["DELETE", `/v1/knowledge_bases/${base.id}/documents/${document.id}`],
      ["DELETE", `/v1/knowledge_bases/${base.id}`],
    ] as const) {
      const response = await call(beta, method, url, payload);
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.json().error.type).toBe("invalid_request_error");
    }
    // And the chat header cannot name it either.
    const chat = await app.server.inject({
      method: "POST",
      url: "/v1/chat/completions",
      headers: { ...as(beta), "x-switchyard-knowledge-base": base.id },
      payload: { model: "chat", messages: [{ role: "user", content: "Who is the harbour master?" }] },
    });
    expect(chat.statusCode).toBe(404);
    expect((await call(alpha, "GET", `/v1/knowledge_bases/${base.id}/documents`)).json().data).toHaveLength(1);
  });

  it("retries one reset embedding call; a second failure fails the add and stores nothing", async () => {
    const base = (await call(alpha, "POST", "/v1/knowledge_bases", { name: "faults", embedding_model: "embedder" })).json() as { id: string };
    fixture.upstream.faults.push({ kind: "reset" });
    const recovered = await call(alpha, "POST", `/v1/knowledge_bases/${base.id}/documents`, { text: HARBOUR });
    expect(recovered.statusCode, recovered.body).toBe(200);
    fixture.upstream.faults.push({ kind: "status", status: 503 }, { kind: "status", status: 503 });
    const failed = await call(alpha, "POST", `/v1/knowledge_bases/${base.id}/documents`, { text: BAKERY });
    expect(failed.statusCode).toBe(503);
    expect(failed.json().error.type).toBe("upstream_error");
    const stored = (await call(alpha, "GET", `/v1/knowledge_bases/${base.id}/documents`)).json().data as Array<{ id: string }>;
    expect(stored.map((document) => document.id)).toEqual([(recovered.json() as { id: string }).id]);
  });

  it("a chat request without a knowledge base touches none of the knowledge tables", async () => {
    const seen: string[] = [];
    const stop = app.control.storage.observeQueries((sql) => seen.push(sql));
    try {
      const chat = await app.server.inject({ method: "POST", url: "/v1/chat/completions", headers: as(alpha), payload: { model: "chat", messages: [{ role: "user", content: "hi" }] } });
      expect(chat.statusCode, chat.body).toBe(200);
      expect(chat.headers["x-switchyard-sources"]).toBeUndefined();
    } finally {
      stop();
    }
    expect(seen.filter((sql) => sql.includes("knowledge"))).toEqual([]);
    // The observer does see them when a request asks for retrieval.
    const base = (await call(alpha, "POST", "/v1/knowledge_bases", { name: "observed", embedding_model: "embedder" })).json() as { id: string };
    const watch = app.control.storage.observeQueries((sql) => seen.push(sql));
    try {
      await app.server.inject({ method: "POST", url: "/v1/chat/completions", headers: { ...as(alpha), "x-switchyard-knowledge-base": base.id }, payload: { model: "chat", messages: [{ role: "user", content: "hi" }] } });
    } finally {
      watch();
    }
    expect(seen.some((sql) => sql.includes("knowledge_bases"))).toBe(true);
  });

  it("a second gateway on the same database sees new documents (the vector cache follows the revision)", async () => {
    const second = await fixture.open();
    const base = (await call(alpha, "POST", "/v1/knowledge_bases", { name: "shared", embedding_model: "embedder" })).json() as { id: string };
    await call(alpha, "POST", `/v1/knowledge_bases/${base.id}/documents`, { text: BAKERY });
    const searchOnSecond = async () =>
      ((await second.server.inject({ method: "POST", url: `/v1/knowledge_bases/${base.id}/search`, headers: as(alpha), payload: { query: HARBOUR } })).json().data as Array<{ text: string }>).map((hit) => hit.text);
    expect(await searchOnSecond()).toEqual([BAKERY]);
    await call(alpha, "POST", `/v1/knowledge_bases/${base.id}/documents`, { text: HARBOUR });
    expect((await searchOnSecond())[0]).toBe(HARBOUR);
  });
});
