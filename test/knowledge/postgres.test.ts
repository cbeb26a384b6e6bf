import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPostgres, type PostgresServer } from "../helpers/postgres.js";
import { knowledgeFixture, projectKey, type KnowledgeFixture } from "./fixture.js";

const TEXTS = ["The lighthouse keeper lives on Skerry Island.", "Ferries leave the north pier every hour.", "The museum is closed on Mondays."];

describe("knowledge bases on PostgreSQL (vectors in bytea)", () => {
  let postgres: PostgresServer;
  let fixture: KnowledgeFixture;

  beforeAll(async () => {
    postgres = await startPostgres();
    fixture = await knowledgeFixture({ database: { url: await postgres.createDatabase() } });
  }, 120_000);

  afterAll(async () => {
    await fixture?.close();
    await postgres?.stop();
  });

  it("stores, searches and deletes like SQLite, and a second gateway on the same database agrees", async () => {
    const app = await fixture.open();
    const key = await projectKey(app, "pg");
    const call = (target: typeof app, method: "GET" | "POST" | "DELETE", url: string, payload?: object) =>
      target.server.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) });
    const base = (await call(app, "POST", "/v1/knowledge_bases", { name: "pg", embedding_model: "embedder", dimensions: 24 })).json() as { id: string; dimensions: number };
    expect(base.dimensions).toBe(24);
    for (const text of TEXTS) expect((await call(app, "POST", `/v1/knowledge_bases/${base.id}/documents`, { text })).statusCode).toBe(200);
    const second = await fixture.open();
    for (const [index, text] of TEXTS.entries()) {
      const hits = (await call(index % 2 === 0 ? app : second, "POST", `/v1/knowledge_bases/${base.id}/search`, { query: text, top_k: 3 })).json().data as Array<{ text: string; score: number }>;
      expect(hits).toHaveLength(3);
      expect(hits[0]).toMatchObject({ text });
      expect(hits[0]!.score).toBeCloseTo(1, 4);
    }
    expect((await call(second, "DELETE", `/v1/knowledge_bases/${base.id}`)).statusCode).toBe(200);
    expect((await call(app, "POST", `/v1/knowledge_bases/${base.id}/search`, { query: TEXTS[0]! })).statusCode).toBe(404);
  });
});
