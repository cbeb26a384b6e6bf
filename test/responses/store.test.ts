import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Storage } from "../../src/storage/database.js";
import { openDatabase } from "../../src/storage/open-database.js";
import { ResponseStore, type NewStoredResponse } from "../../src/responses/store.js";
import { startPostgres, type PostgresServer } from "../helpers/postgres.js";

/** Stored responses behave the same on the embedded SQLite and on PostgreSQL (migration 014 on both). */
let postgres: PostgresServer;

beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);

afterAll(async () => {
  await postgres?.stop();
});

const DAY = 86_400_000;

function record(id: string, overrides: Partial<NewStoredResponse> = {}): NewStoredResponse {
  return {
    id,
    projectId: "prj_a",
    createdAt: 1_000 * DAY,
    status: "completed",
    model: "gpt",
    previousResponseId: null,
    response: { id, object: "response", output: [{ type: "message", content: [{ type: "output_text", text: `answer ${id}` }] }] },
    inputItems: [{ id: `msg_${id}`, type: "message", role: "user", content: [{ type: "input_text", text: "question" }] }],
    conversation: [
      { role: "user", content: [{ type: "text", text: "question" }] },
      { role: "assistant", content: [{ type: "reasoning", text: "hmm", signature: "sig" }, { type: "text", text: `answer ${id}` }] },
    ],
    ...overrides,
  };
}

describe.each([
  ["sqlite", () => openDatabase({ url: ":memory:" })],
  ["postgres", async () => openDatabase({ url: await postgres.createDatabase() })],
])("stored responses on %s", (_dialect, open) => {
  let storage: Storage;
  let store: ResponseStore;

  beforeAll(async () => {
    storage = await open();
    store = new ResponseStore(storage.db, 30 * DAY);
  });

  afterAll(async () => {
    await storage?.close();
  });

  it("keeps a response, its input items and its conversation, read only through its own project", async () => {
    const saved = record("resp_1");
    await store.save(saved);
    const now = saved.createdAt + DAY;
    expect(await store.get("prj_a", "resp_1", now)).toEqual({ id: "resp_1", response: saved.response, inputItems: saved.inputItems, conversation: saved.conversation });
    expect(await store.get("prj_b", "resp_1", now)).toBeUndefined();
    expect(await store.delete("prj_b", "resp_1", now)).toBe(false);
    expect(await store.delete("prj_a", "resp_1", now)).toBe(true);
    expect(await store.get("prj_a", "resp_1", now)).toBeUndefined();
    expect(await store.delete("prj_a", "resp_1", now)).toBe(false);
  });

  it("hides a response past its retention and the sweep deletes it", async () => {
    const createdAt = 2_000 * DAY;
    await store.save(record("resp_old", { createdAt }));
    await store.save(record("resp_new", { createdAt: createdAt + 10 * DAY }));
    const later = createdAt + 30 * DAY + 1;
    expect(await store.get("prj_a", "resp_old", later - 2)).toBeDefined();
    expect(await store.get("prj_a", "resp_old", later)).toBeUndefined();
    expect(await store.delete("prj_a", "resp_old", later)).toBe(false);
    expect(await store.purgeExpired(later)).toBe(1);
    expect(await store.get("prj_a", "resp_new", later)).toBeDefined();
    const row = await storage.db.selectFrom("responses").select(["id", "expires_at"]).where("id", "=", "resp_new").executeTakeFirstOrThrow();
    expect(row.expires_at).toBe(createdAt + 40 * DAY);
  });

  it("keeps responses until deleted when retention is off", async () => {
    const forever = new ResponseStore(storage.db);
    await forever.save(record("resp_forever"));
    expect(await forever.get("prj_a", "resp_forever", Number.MAX_SAFE_INTEGER)).toBeDefined();
    await forever.purgeExpired(Number.MAX_SAFE_INTEGER);
    expect(await forever.get("prj_a", "resp_forever", Number.MAX_SAFE_INTEGER)).toBeDefined();
  });
});
