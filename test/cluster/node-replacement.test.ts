/**
 * What becomes of a node's usage journal when the node is replaced (docs/cluster.md): a clean stop
 * leaves nothing behind; after SIGKILL the rows since the last flush are only in that node's
 * journal, so a replacement on a fresh disk cannot see them, and the first node to start on the old
 * disk replays them, once.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGatewayProcess, type GatewayProcess } from "../helpers/gateway-process.js";
import { startPostgres, type PostgresServer } from "../helpers/postgres.js";

const MASTER = "replacement-master";

describe("a node's usage journal when the node is replaced", () => {
  let postgres: PostgresServer;
  let emulator: OpenaiEmulator;
  let databaseUrl: string;
  let key: string;
  const dataDirs: string[] = [];
  const running: GatewayProcess[] = [];

  const disk = () => {
    const dir = mkdtempSync(join(tmpdir(), "swy-replace-"));
    dataDirs.push(dir);
    return dir;
  };
  const start = async (dataDir: string) => {
    const node = await startGatewayProcess({
      dataDir,
      env: { DATABASE_URL: databaseUrl, SWITCHYARD_MASTER_KEY: MASTER },
      config: {
        providers: { up: { type: "openai", base_url: emulator.baseURL, api_key: "none" } },
        models: { "gpt-4o": { routes: [{ provider: "up", model: "gpt-4o" }] } },
        // No timed flush: a row reaches PostgreSQL only at a clean stop or a replay.
        control: { usage_flush_ms: 600_000, usage_batch_size: 5000 },
      },
    });
    running.push(node);
    return node;
  };
  const traffic = async (node: GatewayProcess, prefix: string, count: number) => {
    for (let index = 0; index < count; index++) {
      const response = await node.call("POST", "/v1/chat/completions", {
        key,
        headers: { "x-request-id": `${prefix}-${index}` },
        json: { model: "gpt-4o", messages: [{ role: "user", content: "hello" }] },
      });
      expect(response.status).toBe(200);
    }
  };
  const rowsFor = async (prefix: string) => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const result = await client.query<{ request_id: string }>("select request_id from usage_records where request_id like $1", [`${prefix}-%`]);
      return result.rows.map((row) => row.request_id);
    } finally {
      await client.end();
    }
  };
  const journal = (dataDir: string) => readdirSync(join(dataDir, "usage-journal")).filter((name) => name.endsWith(".jsonl"));

  beforeAll(async () => {
    [postgres, emulator] = await Promise.all([startPostgres(), startOpenaiEmulator()]);
    databaseUrl = await postgres.createDatabase();
    const first = await start(disk());
    const project = await first.call("POST", "/admin/projects", { key: MASTER, json: { name: "replaced" } });
    key = (await first.call("POST", "/admin/keys", { key: MASTER, json: { project_id: project.json.id } })).json.key;
    await first.stop();
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled(running.map((node) => node.kill()));
    await Promise.allSettled([postgres?.stop(), emulator?.close()]);
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  it("leaves nothing behind on a clean stop: every row is in PostgreSQL and the journal is empty", async () => {
    const dataDir = disk();
    const node = await start(dataDir);
    await traffic(node, "clean", 12);
    expect(journal(dataDir).length).toBeGreaterThan(0);
    await node.stop();
    expect(node.child.exitCode).toBe(0);
    expect(journal(dataDir)).toEqual([]);
    expect((await rowsFor("clean")).length).toBe(12);
  }, 120_000);

  it("after SIGKILL keeps the rows on the old disk only: a fresh replacement misses them, the first node on the old disk replays them once", async () => {
    const oldDisk = disk();
    const killed = await start(oldDisk);
    await traffic(killed, "crash", 12);
    await killed.kill();
    expect(journal(oldDisk).length).toBeGreaterThan(0);
    expect(await rowsFor("crash")).toEqual([]);

    // A replacement on a new, empty disk serves traffic but cannot know the dead node's rows.
    const fresh = await start(disk());
    await traffic(fresh, "fresh", 3);
    expect(await rowsFor("crash")).toEqual([]);
    await fresh.stop();
    expect((await rowsFor("fresh")).length).toBe(3);

    // A node started on the old disk (the same volume re-attached) replays them at start-up.
    const reattached = await start(oldDisk);
    const replayed = await rowsFor("crash");
    expect(replayed.sort()).toEqual(Array.from({ length: 12 }, (_, index) => `crash-${index}`).sort());
    expect(journal(oldDisk)).toEqual([]);
    await reattached.stop();
    expect((await rowsFor("crash")).length).toBe(12);
  }, 180_000);
});
