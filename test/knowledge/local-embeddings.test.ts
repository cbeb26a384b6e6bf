import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { createLogger } from "../../src/observability/logger.js";
import { createModelFixtures, localConfig, type ModelFixtures } from "../local/fixtures.js";

const DOCS = ["the cat sat on the mat", "a red dog ran in the park", "three ships left the harbour at dawn"];

/**
 * Plumbing through the `local` provider (llama.cpp in-process) with a tiny random model made in
 * setup: its vectors carry no meaning, but the same text always embeds the same, so the exact text
 * must come back first with cosine 1. Retrieval quality needs a real embedding GGUF.
 */
describe("knowledge bases on a local GGUF embedding model", () => {
  let fixtures: ModelFixtures;
  let app: App;
  const headers = { authorization: "Bearer sk-master-local-kb" };

  beforeAll(async () => {
    fixtures = createModelFixtures();
    app = await createApp({ logger: createLogger("silent"), env: { SWITCHYARD_MASTER_KEY: "sk-master-local-kb" }, config: localConfig(fixtures) });
  });

  afterAll(async () => {
    await app?.close();
    fixtures?.cleanup();
  });

  it("embeds documents and queries in-process and finds the exact text first", async () => {
    const created = await app.server.inject({ method: "POST", url: "/v1/knowledge_bases", headers, payload: { name: "local", embedding_model: "tiny-base", top_k: 3 } });
    expect(created.statusCode, created.body).toBe(200);
    const base = created.json() as { id: string; dimensions: number };
    expect(base.dimensions).toBe(64);
    for (const text of DOCS) {
      const added = await app.server.inject({ method: "POST", url: `/v1/knowledge_bases/${base.id}/documents`, headers, payload: { text } });
      expect(added.statusCode, added.body).toBe(200);
    }
    for (const text of DOCS) {
      const hits = (await app.server.inject({ method: "POST", url: `/v1/knowledge_bases/${base.id}/search`, headers, payload: { query: text } })).json().data as Array<{ text: string; score: number }>;
      expect(hits).toHaveLength(3);
      expect(hits[0]!.text).toBe(text);
      expect(hits[0]!.score).toBeCloseTo(1, 3);
    }
  });
});
