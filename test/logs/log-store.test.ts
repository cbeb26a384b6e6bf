import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "../../src/control/tables.js";
import { summarizeRatings } from "../../src/logs/feedback-summary.js";
import { searchWords } from "../../src/logs/log-search.js";
import { LogStore } from "../../src/logs/log-store.js";
import { createLogWriter, type LogRow } from "../../src/logs/log-writer.js";
import { loggingSchema } from "../../src/logs/config-schema.js";
import { createLogger } from "../../src/observability/logger.js";
import type { Storage } from "../../src/storage/database.js";
import { openDatabase } from "../../src/storage/open-database.js";
import { startPostgres, type PostgresServer } from "../helpers/postgres.js";

/** The log store, its full-text search and the ratings summary behave the same on SQLite and PostgreSQL. */
let postgres: PostgresServer;

beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);

afterAll(async () => {
  await postgres?.stop();
});

const DAY = 86_400_000;
const NOW = 1_800_000_000_000;

function row(id: string, overrides: Partial<LogRow> = {}): LogRow {
  return {
    id,
    request_id: `req_${id}`,
    project_id: "prj_a",
    key_id: "key_a",
    created_at: NOW,
    api: "openai",
    model: "chat",
    deployment: null,
    routed_model: "chat",
    provider: "up",
    upstream_model: "gpt-4o-mini",
    tier: null,
    status: "success",
    http_status: 200,
    error_code: null,
    stream: 0,
    cache_hit: 0,
    input_tokens: 10,
    output_tokens: 5,
    cost_usd: 0.001,
    latency_ms: 12,
    ttft_ms: 5,
    masked_values: 0,
    request_json: JSON.stringify({ model: "chat", messages: [{ role: "user", content: `question ${id}` }] }),
    response_json: JSON.stringify({ text: `answer ${id}` }),
    unmasked_request_json: null,
    unmasked_response_json: null,
    search_text: `question ${id} answer ${id}`,
    ...overrides,
  };
}

describe.each([
  ["sqlite", () => openDatabase({ url: ":memory:" })],
  ["postgres", async () => openDatabase({ url: await postgres.createDatabase() })],
])("request log store on %s", (_dialect, open) => {
  let storage: Storage;
  let store: LogStore;
  let directory: string;

  beforeAll(async () => {
    storage = await open();
    store = new LogStore(storage.db, storage.dialect);
    directory = mkdtempSync(join(tmpdir(), "swy-log-store-"));
    const writer = createLogWriter({ db: storage.db, journalDir: directory, config: loggingSchema.parse({}), logger: createLogger("silent") });
    await writer.start();
    const rows = [
      row("1", { search_text: "Where is the Kraków office? It is on Floriańska street.", created_at: NOW - 3 * DAY }),
      row("2", { search_text: "Summarise the quarterly penguin report", model: "other", created_at: NOW - 2 * DAY }),
      row("3", { search_text: "penguin colony size estimate", project_id: "prj_b", key_id: "key_b", created_at: NOW - DAY }),
      row("4", { search_text: "deployment answer about penguin", deployment: "helpdesk", status: "error", http_status: 502, error_code: "SWY_ERR_UPSTREAM_ERROR" }),
      row("5", { search_text: "a reused request id", request_id: "req_shared", project_id: "" }),
      row("6", { search_text: "a reused request id", request_id: "req_shared", project_id: "prj_b" }),
    ];
    await Promise.all(rows.map((item) => writer.record(item)));
    // A replay after a crash repeats rows: they are ignored by id.
    await writer.record(rows[0]!);
    await writer.close();
    await storage.db
      .insertInto("routing_feedback")
      .values([
        { request_id: "req_1", project_id: "prj_a", score: 0.9, comment: "good", key_id: "key_a", created_at: NOW },
        { request_id: "req_2", project_id: "prj_a", score: 0.4, comment: null, key_id: "key_a", created_at: NOW },
        // Same request id, other project: must not rate prj_a's request.
        { request_id: "req_3", project_id: "prj_a", score: 0.1, comment: null, key_id: "key_a", created_at: NOW },
      ])
      .execute();
  }, 60_000);

  afterAll(async () => {
    await storage?.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  const ids = async (filter: Parameters<LogStore["list"]>[0]) => (await store.list(filter, { limit: 100 })).map((item) => item.id).sort();

  it("writes through the journal once per id", async () => {
    expect((await storage.db.selectFrom("request_logs").select("id").execute()).length).toBe(6);
  });

  it("filters by project, key, model, deployment, status and time", async () => {
    expect(await ids({ projectKey: "prj_a" })).toEqual(["1", "2", "4"]);
    expect(await ids({ projectKey: "" })).toEqual(["5"]);
    expect(await ids({ keyId: "key_b" })).toEqual(["3"]);
    expect(await ids({ model: "other" })).toEqual(["2"]);
    expect(await ids({ deployment: "helpdesk" })).toEqual(["4"]);
    expect(await ids({ status: "error" })).toEqual(["4"]);
    expect(await ids({ from: NOW - 2 * DAY, to: NOW })).toEqual(["2", "3"]);
    expect(await ids({ requestId: "req_shared" })).toEqual(["5", "6"]);
    expect(await ids({ requestId: "req_shared", projectKey: "prj_b" })).toEqual(["6"]);
  });

  it("searches the text: every word must occur, any script, no query syntax", async () => {
    expect(await ids({ words: searchWords("penguin") })).toEqual(["2", "3", "4"]);
    expect(await ids({ words: searchWords("penguin report") })).toEqual(["2"]);
    expect(await ids({ words: searchWords("PENGUIN"), projectKey: "prj_a" })).toEqual(["2", "4"]);
    expect(await ids({ words: searchWords("Kraków") })).toEqual(["1"]);
    expect(await ids({ words: searchWords('penguin" OR "kraków') })).toEqual([]);
    expect(await ids({ words: searchWords("NEAR(penguin report) *") })).toEqual([]);
    expect(await ids({ words: searchWords("walrus") })).toEqual([]);
  });

  it("joins each request's own project's feedback", async () => {
    const rows = await store.list({ projectKey: "prj_a", rated: true }, { limit: 10 });
    expect(rows.map((item) => [item.id, item.feedback_score]).sort()).toEqual([
      ["1", 0.9],
      ["2", 0.4],
    ]);
    expect(await ids({ minScore: 0.8 })).toEqual(["1"]);
    expect(await ids({ maxScore: 0.5 })).toEqual(["2"]);
    expect(await ids({ rated: false, projectKey: "prj_b" })).toEqual(["3", "6"]);
  });

  it("pages newest first and scans oldest first", async () => {
    const first = await store.list({}, { limit: 2 });
    const last = first.at(-1)!;
    const rest = await store.list({}, { limit: 10, after: { createdAt: last.created_at, id: last.id } });
    expect([...first, ...rest].map((item) => item.id)).toEqual(["6", "5", "4", "3", "2", "1"]);
    const scanned: string[] = [];
    for await (const item of store.scan({ projectKey: "prj_a" }, 1)) scanned.push(item.id);
    expect(scanned).toEqual(["1", "2", "4"]);
  });

  it("summarises ratings per model with a confidence interval", async () => {
    const usage = { day: "2027-01-15", api: "openai", provider: "up", provider_type: "openai", input_tokens: 1, output_tokens: 1, cached_input_tokens: 0, estimated: 0, cost_usd: 0, latency_ms: 1, ttft_ms: null, status: "success", http_status: 200, error_code: null, stream: 0, router_decision: null, created_at: NOW };
    await storage.db
      .insertInto("usage_records")
      .values([
        { ...usage, id: "u1", request_id: "req_1", key_id: "key_a", project_id: "prj_a", model: "chat", upstream_model: "gpt-4o-mini" },
        { ...usage, id: "u2", request_id: "req_2", key_id: "key_a", project_id: "prj_a", model: "chat", upstream_model: "gpt-4o" },
        { ...usage, id: "u3", request_id: "req_3", key_id: "key_b", project_id: "prj_b", model: "other", upstream_model: "gpt-4o" },
      ])
      .execute();
    const byModel = await summarizeRatings(storage.db, { groupBy: "model" });
    expect(byModel).toHaveLength(1);
    expect(byModel[0]!.model).toBe("chat");
    expect(byModel[0]!.count).toBe(2);
    expect(byModel[0]!.mean).toBeCloseTo(0.65, 10);
    // sd of {0.9, 0.4} = 0.35355; half width 1.96 * 0.35355 / sqrt(2) = 0.49
    expect(byModel[0]!.ci95![0]).toBeCloseTo(0.16, 2);
    expect(byModel[0]!.ci95![1]).toBeCloseTo(1, 10);
    const byVariant = await summarizeRatings(storage.db, { groupBy: "variant", projectKey: "prj_a" });
    expect(byVariant.map((group) => [group.variant, group.count, group.mean, group.ci95])).toEqual([
      ["up/gpt-4o", 1, 0.4, null],
      ["up/gpt-4o-mini", 1, 0.9, null],
    ]);
    expect(await summarizeRatings(storage.db, { groupBy: "model", projectKey: "prj_b" })).toEqual([]);
  });

  it("deletes by request id, by project, and past retention", async () => {
    expect(await store.deleteRequest("req_shared", "prj_b")).toBe(1);
    expect(await ids({ requestId: "req_shared" })).toEqual(["5"]);
    expect(await ids({ words: ["reused"] })).toEqual(["5"]);
    expect(await store.purge({ byProject: new Map([["prj_a", 1]]), fallbackDays: 30 }, NOW)).toBe(2);
    expect(await ids({ projectKey: "prj_a" })).toEqual(["4"]);
    expect(await ids({ words: ["Kraków"] })).toEqual([]);
    expect(await store.deleteProject("prj_b")).toBe(1);
    expect(await ids({})).toEqual(["4", "5"]);
  });
});
