import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MemorySemanticStore } from "../../src/cache/semantic-memory-store.js";
import { startControlFixture, type ControlFixture } from "../control/control-fixture.js";

async function newKey(fx: ControlFixture, project: string) {
  const created = await fx.admin("POST", "/admin/projects", { name: project });
  const key = await fx.admin("POST", "/admin/keys", { project_id: created.json.id, name: `${project}-key` });
  return { keyId: key.json.id as string, secret: key.json.key as string };
}

const ask = (fx: ControlFixture, secret: string, text: string) => fx.chat(secret, { messages: [{ role: "user", content: text }], temperature: 0 });

describe("semantic cache with virtual keys", () => {
  let fx: ControlFixture;
  beforeAll(async () => {
    fx = await startControlFixture({
      control: { usage_flush_ms: 600_000 },
      cache: { mode: "on", semantic: { embedding_model: "up/text-embedding-3-small", dimensions: 64 } },
    });
  });
  afterAll(async () => {
    await fx?.close();
  });

  it("charges a semantic hit nothing upstream, meters the embedding call, and keeps projects apart", async () => {
    const one = await newKey(fx, "semantic-one");
    const two = await newKey(fx, "semantic-two");
    const first = await ask(fx, one.secret, "Which planet is known as the red planet?");
    expect(first.headers["x-switchyard-cache"]).toBe("miss");
    // The answer is stored after the response ends: wait for it without sending requests that would be metered.
    const store = fx.gateway.cache!.semantic!.store as MemorySemanticStore;
    for (let attempt = 0; attempt < 50 && store.size === 0; attempt++) await new Promise((resolve) => setTimeout(resolve, 20));
    const hit = await ask(fx, one.secret, "which planet is known as the red planet?");
    expect(hit.headers["x-switchyard-cache"]).toBe("semantic-hit");
    // Another project never sees the first project's answers.
    expect((await ask(fx, two.secret, "which planet is known as the red planet?")).headers["x-switchyard-cache"]).toBe("miss");

    await fx.gateway.control.ledger.flush();
    const rows = (await fx.admin("GET", `/admin/usage/records?key_id=${one.keyId}`)).json.data as Array<Record<string, any>>;
    const chats = rows.filter((row) => row.model === "gpt-4o");
    const embeddings = rows.filter((row) => row.model === "up/text-embedding-3-small");
    expect(chats).toHaveLength(2);
    expect(chats.filter((row) => row.cost_usd > 0)).toHaveLength(1);
    expect(chats.filter((row) => row.cost_usd === 0 && row.status === "success")).toHaveLength(1);
    // One embedding per cache lookup that reached the semantic layer, each priced and tied to its chat request.
    expect(embeddings.length).toBe(2);
    for (const row of embeddings) {
      expect(row.cost_usd).toBeGreaterThan(0);
      expect(chats.map((chat) => chat.request_id)).toContain(row.request_id);
    }
  });
});
