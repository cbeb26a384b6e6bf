import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Storage } from "../../src/storage/database.js";
import { openDatabase } from "../../src/storage/open-database.js";
import "../../src/control/tables.js";
import { RoutingSampleStore, type RatedSample, type RoutingSample } from "../../src/routing/feedback/sample-store.js";
import { startPostgres, type PostgresServer } from "../helpers/postgres.js";

/** The sample and feedback tables behave the same on the embedded SQLite and on PostgreSQL. */
let postgres: PostgresServer;

beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);

afterAll(async () => {
  await postgres?.stop();
});

function sample(requestId: string, overrides: Partial<RoutingSample> = {}): RoutingSample {
  return { request_id: requestId, project_id: "prj_a", created_at: 1_000, auto_model: "smart", model: "big/gpt-4o", tier: "strong", score: 0.625, key_id: "key_a", prompt: `prompt ${requestId}`, ...overrides };
}

async function collect(rows: AsyncIterable<RatedSample>): Promise<RatedSample[]> {
  const out: RatedSample[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

describe.each([
  ["sqlite", () => openDatabase({ url: ":memory:" })],
  ["postgres", async () => openDatabase({ url: await postgres.createDatabase() })],
])("routing samples and feedback on %s", (_dialect, open) => {
  let storage: Storage;
  let store: RoutingSampleStore;

  beforeAll(async () => {
    storage = await open();
    store = new RoutingSampleStore(storage.db);
  });

  afterAll(async () => {
    await storage?.close();
  });

  it("finds a request by its sample or its usage row, only within the caller's project", async () => {
    await store.addSample(sample("req_1"));
    await store.addSample(sample("req_1", { prompt: "a reused id keeps the first sample" }));
    expect(await store.knows("req_1", "prj_a")).toBe(true);
    expect(await store.knows("req_1", "prj_b")).toBe(false);
    expect(await store.knows("req_1", undefined)).toBe(false);

    const usage = { request_id: "req_master", created_at: 1, day: "1970-01-01", key_id: "master", project_id: null, api: "openai", model: "chat", provider: null, provider_type: null, upstream_model: null, input_tokens: 1, output_tokens: 1, cached_input_tokens: 0, estimated: 0, cost_usd: 0, latency_ms: 1, ttft_ms: null, status: "success", http_status: 200, error_code: null, stream: 0, router_decision: null };
    await storage.db.insertInto("usage_records").values([{ ...usage, id: "usg_1" }, { ...usage, id: "usg_2", request_id: "req_b", project_id: "prj_b" }]).execute();
    expect(await store.knows("req_master", undefined)).toBe(true);
    expect(await store.knows("req_master", "prj_a")).toBe(false);
    expect(await store.knows("req_b", "prj_b")).toBe(true);
    expect(await store.knows("req_b", "prj_a")).toBe(false);
    const [kept] = await storage.db.selectFrom("routing_samples").selectAll().where("request_id", "=", "req_1").execute();
    expect(kept).toMatchObject({ prompt: "prompt req_1", score: 0.625, created_at: 1_000 });
  });

  it("keeps one rating per request and project, the latest", async () => {
    await store.rate({ request_id: "req_1", project_id: "prj_a", score: 0.5, comment: null, key_id: "key_a", created_at: 1 });
    await store.rate({ request_id: "req_1", project_id: "prj_a", score: 0.75, comment: "better", key_id: "key_a2", created_at: 2 });
    // Another project rating its own request that happens to share the id leaves project a's rating alone.
    await store.rate({ request_id: "req_1", project_id: "prj_b", score: 0, comment: null, key_id: "key_b", created_at: 3 });
    const rows = await storage.db.selectFrom("routing_feedback").selectAll().where("request_id", "=", "req_1").orderBy("project_id").execute();
    expect(rows).toEqual([
      { request_id: "req_1", project_id: "prj_a", score: 0.75, comment: "better", key_id: "key_a2", created_at: 2 },
      { request_id: "req_1", project_id: "prj_b", score: 0, comment: null, key_id: "key_b", created_at: 3 },
    ]);
    const rated = await collect(store.rated("smart"));
    expect(rated.map((row) => [row.request_id, row.project_id, row.rating])).toEqual([["req_1", "prj_a", 0.75]]);
  });

  it("pages through rated samples in order, across equal timestamps, from --since on", async () => {
    for (let index = 2; index <= 7; index++) {
      const id = `req_${index}`;
      await store.addSample(sample(id, { created_at: index <= 4 ? 2_000 : 3_000 + index, model: "cheap", tier: "weak" }));
      if (index !== 5) await store.rate({ request_id: id, project_id: "prj_a", score: index / 10, comment: null, key_id: "key_a", created_at: 5 });
    }
    await store.addSample(sample("req_other", { auto_model: "other" }));
    await store.rate({ request_id: "req_other", project_id: "prj_a", score: 1, comment: null, key_id: "key_a", created_at: 5 });

    const all = await collect(store.rated("smart", { pageSize: 2 }));
    expect(all.map((row) => row.request_id)).toEqual(["req_1", "req_2", "req_3", "req_4", "req_6", "req_7"]);
    expect(all[3]).toMatchObject({ model: "cheap", tier: "weak", rating: 0.4, prompt: "prompt req_4" });
    const recent = await collect(store.rated("smart", { since: 3_000, pageSize: 1 }));
    expect(recent.map((row) => row.request_id)).toEqual(["req_6", "req_7"]);
  });

  it("purges one auto model's samples older than a cut-off, with their ratings", async () => {
    await store.addSample(sample("old_1", { auto_model: "purged", created_at: 10 }));
    await store.addSample(sample("new_1", { auto_model: "purged", created_at: 10_000 }));
    await store.addSample(sample("old_other", { auto_model: "kept", created_at: 10 }));
    for (const id of ["old_1", "new_1", "old_other"]) await store.rate({ request_id: id, project_id: "prj_a", score: 1, comment: null, key_id: "key_a", created_at: 20 });
    // A rating of the same id in another project, with no sample of its own there, is not this sample's.
    await store.rate({ request_id: "old_1", project_id: "prj_b", score: 0, comment: null, key_id: "key_b", created_at: 20 });

    expect(await store.purge("purged", 5_000)).toBe(1);
    const samples = await storage.db.selectFrom("routing_samples").select("request_id").where("request_id", "in", ["old_1", "new_1", "old_other"]).orderBy("request_id").execute();
    expect(samples.map((row) => row.request_id)).toEqual(["new_1", "old_other"]);
    const ratings = await storage.db.selectFrom("routing_feedback").select(["request_id", "project_id"]).where("request_id", "in", ["old_1", "new_1", "old_other"]).orderBy("request_id").orderBy("project_id").execute();
    expect(ratings).toEqual([
      { request_id: "new_1", project_id: "prj_a" },
      { request_id: "old_1", project_id: "prj_b" },
      { request_id: "old_other", project_id: "prj_a" },
    ]);
    expect(await store.purge("purged", 5_000)).toBe(0);
  });
});
