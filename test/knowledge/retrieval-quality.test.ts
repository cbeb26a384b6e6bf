import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { createLogger } from "../../src/observability/logger.js";
import { writeBagOfWordsGguf } from "./bag-of-words-gguf.js";

const DOCS = [
  "Lily threw a red ball for her dog in the park.",
  "Tom and his mother saw a big fish and a boat on the sea.",
  "The little bird built a nest with three eggs in the oak tree.",
  "Ben ate sweet cake with his friends at the birthday party.",
  "The sun was hot so Sue went to swim in the cold pool.",
  "A grey cat found a cardboard box and fell asleep inside it.",
];
const QUERIES: Array<[string, number]> = [
  ["who played ball with a dog", 0],
  ["what did they see on the sea", 1],
  ["where were the eggs of the bird", 2],
  ["who had cake at a party", 3],
  ["why did Sue swim", 4],
  ["what did the cat find", 5],
];
const WORDS = [...new Set([...DOCS, ...QUERIES.map(([query]) => query)].join(" ").match(/[A-Za-z]+/g)!)];
const STOPWORDS = new Set(["a", "the", "and", "in", "on", "with", "his", "her", "for", "at", "so", "to", "it", "of", "who", "what", "where", "why", "did", "were", "was", "they", "had"]);

describe("retrieval quality through a local bag-of-words embedding GGUF", () => {
  let dataDir: string;
  let app: App;
  const headers = { authorization: "Bearer sk-master-quality" };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "swy-kb-quality-"));
    mkdirSync(join(dataDir, "models"));
    // Function words carry no signal in a bag of words; leaving them out of the vocabulary embeds them as zero.
    writeBagOfWordsGguf(join(dataDir, "models", "bow.gguf"), WORDS.filter((word) => !STOPWORDS.has(word.toLowerCase())));
    app = await createApp({
      logger: createLogger("silent"),
      env: { SWITCHYARD_MASTER_KEY: "sk-master-quality" },
      config: {
        server: { data_dir: dataDir, log_level: "silent" },
        providers: { local: { type: "local", threads: 1, context_size: 256, parallel: 1, probe_load: false } },
        models: { bow: { routes: [{ provider: "local", model: "bow" }] } },
      },
    });
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("finds the document that answers each question first", async () => {
    const base = (await app.server.inject({ method: "POST", url: "/v1/knowledge_bases", headers, payload: { name: "stories", embedding_model: "bow" } })).json() as { id: string };
    expect(base.id).toMatch(/^kb_/);
    for (const text of DOCS) expect((await app.server.inject({ method: "POST", url: `/v1/knowledge_bases/${base.id}/documents`, headers, payload: { text } })).statusCode).toBe(200);
    const ranks: number[] = [];
    for (const [query, expected] of QUERIES) {
      const hits = (await app.server.inject({ method: "POST", url: `/v1/knowledge_bases/${base.id}/search`, headers, payload: { query, top_k: DOCS.length } })).json().data as Array<{ text: string }>;
      ranks.push(hits.findIndex((hit) => hit.text === DOCS[expected]));
    }
    expect(ranks).toEqual(QUERIES.map(() => 0));
  });
});
