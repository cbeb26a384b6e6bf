import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway } from "../helpers/gateway.js";
import { startPostgres, type PostgresServer } from "../helpers/postgres.js";
import { chatLine, readResults, uploadBatchFile, waitForBatch } from "./helpers.js";

const MASTER = "sk-master-batch-postgres";

describe("batches on PostgreSQL, two nodes", () => {
  let postgres: PostgresServer;
  let emulator: OpenaiEmulator;
  const dirs: string[] = [];

  beforeAll(async () => {
    postgres = await startPostgres();
    emulator = await startOpenaiEmulator({ latencyMs: 100 });
  }, 60_000);
  afterAll(async () => {
    await emulator?.close();
    await postgres?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("runs a batch created on one node to completion after that node stops; every line sent once", async () => {
    const url = await postgres.createDatabase();
    const node = () => {
      const dataDir = mkdtempSync(join(tmpdir(), "swy-batch-pg-"));
      dirs.push(dataDir);
      return startGateway(
        {
          server: { data_dir: dataDir },
          database: { url },
          providers: { up: { type: "openai", base_url: emulator.baseURL, api_key: "none" } },
          models: { gpt: { routes: [{ provider: "up", model: "gpt-up" }] } },
          batches: { concurrency: 1, lease_ms: 600 },
        },
        { env: { SWITCHYARD_MASTER_KEY: MASTER } },
      );
    };
    const a = await node();
    const b = await node();
    try {
      const viaA = new OpenAI({ baseURL: a.baseURL, apiKey: MASTER, maxRetries: 0 });
      const viaB = new OpenAI({ baseURL: b.baseURL, apiKey: MASTER, maxRetries: 0 });
      const input = await uploadBatchFile(viaA, Array.from({ length: 6 }, (_, index) => chatLine(`pg${index}`, `postgres line ${index}`)));
      const created = await viaA.batches.create({ input_file_id: input, endpoint: "/v1/chat/completions", completion_window: "24h" });
      await waitForBatch(viaB, created.id, 60_000, (batch) => (batch.request_counts?.completed ?? 0) >= 1);
      // A clean stop hands the lease back; node B takes the batch over and finishes it.
      await a.close();
      const batch = await waitForBatch(viaB, created.id);
      expect(batch.status).toBe("completed");
      expect(batch.request_counts).toEqual({ total: 6, completed: 6, failed: 0 });
      const output = await readResults(viaB, batch.output_file_id);
      expect(output.map((line) => line.custom_id)).toEqual(["pg0", "pg1", "pg2", "pg3", "pg4", "pg5"]);
      const sent = emulator.requests.filter((request) => request.path.endsWith("/chat/completions")).map((request) => request.body.messages.at(-1).content as string);
      expect(sent.filter((text) => text.startsWith("postgres line")).sort()).toEqual(Array.from({ length: 6 }, (_, index) => `postgres line ${index}`));
    } finally {
      await a.close();
      await b.close();
    }
  }, 120_000);
});
