import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobStore } from "../../src/customization/fine-tuning/job-store.js";
import type { JobRecord } from "../../src/customization/fine-tuning/types.js";
import type { BlobStore } from "../../src/storage/blobs/blob-store.js";
import { DatabaseBlobStore } from "../../src/storage/blobs/database-blobs.js";
import { DirectoryBlobStore } from "../../src/storage/blobs/directory-blobs.js";
import { openDatabase, type Storage } from "../../src/storage/index.js";
import { startPostgres, type PostgresServer } from "../helpers/postgres.js";

/** Deterministic bytes (a linear congruential generator), so a failure reproduces. */
function seededBytes(length: number, seed: number): Buffer {
  const buffer = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let index = 0; index < length; index++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    buffer[index] = state >>> 24;
  }
  return buffer;
}

function job(id: string): JobRecord {
  return {
    id,
    projectId: "default",
    status: "running",
    createdAt: Date.now(),
    finishedAt: null,
    request: { model: "local/base", training_file: "file-x", validation_file: null, hyperparameters: { n_epochs: 1, learning_rate_multiplier: 1, batch_size: 1 }, seed: 1, suffix: null, metadata: null, backend: "local" },
    state: { fine_tuned_model: null, trained_tokens: null, error: null, started_at: null, estimated_finish: null, metrics: [], checkpoints: [], backend: {} },
  };
}

let postgres: PostgresServer;
const temporary: string[] = [];
const storages: Storage[] = [];

beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(async () => {
  for (const storage of storages) await storage.close();
  await postgres?.stop();
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), "swy-blobs-"));
  temporary.push(dir);
  return dir;
};

const engines = {
  sqlite: async () => openDatabase({ url: join(scratch(), "state.db") }),
  postgres: async () => openDatabase({ url: await postgres.createDatabase() }),
};

const stores: Record<string, () => Promise<BlobStore>> = {
  "database (PostgreSQL)": async () => {
    const storage = await engines.postgres();
    storages.push(storage);
    return new DatabaseBlobStore(storage);
  },
  "database (SQLite)": async () => {
    const storage = await engines.sqlite();
    storages.push(storage);
    return new DatabaseBlobStore(storage);
  },
  directory: async () => new DirectoryBlobStore(scratch()),
};

describe.each(Object.entries(stores))("blob store: %s", (_name, make) => {
  it("stores, reads, streams to a file in pieces, replaces and deletes", async () => {
    const blobs = await make();
    const small = Buffer.from('{"prompt":"","completion":"hello"}\n');
    await blobs.put("files/file-1", small);
    expect(await blobs.get("files/file-1")).toEqual(small);
    await blobs.put("files/empty", Buffer.alloc(0));
    expect(await blobs.get("files/empty")).toEqual(Buffer.alloc(0));
    expect(await blobs.get("files/none")).toBeUndefined();

    // Larger than two database chunks, not a multiple of one.
    const model = seededBytes(2 * 1024 * 1024 + 12_345, 7);
    const source = join(scratch(), "model.gguf");
    writeFileSync(source, model);
    await blobs.putFile("fine-tuned/ft-a.gguf", source);
    const target = join(scratch(), "models", "ft-a.gguf");
    expect(await blobs.download("fine-tuned/ft-a.gguf", target)).toBe(true);
    expect(readFileSync(target).equals(model)).toBe(true);
    expect(await blobs.download("fine-tuned/none.gguf", join(scratch(), "none.gguf"))).toBe(false);

    await blobs.put("files/file-1", Buffer.from("replaced"));
    expect((await blobs.get("files/file-1"))!.toString()).toBe("replaced");
    await blobs.delete("files/file-1");
    expect(await blobs.get("files/file-1")).toBeUndefined();
  });

  it("refuses keys that climb out of the store", async () => {
    const blobs = await make();
    await expect(blobs.put("../escape", Buffer.from("x"))).rejects.toThrow(/invalid blob key/);
    await expect(blobs.get("files/../../etc/passwd")).rejects.toThrow(/invalid blob key/);
  });
});

describe.each(Object.entries(engines))("fine-tuning job leases on %s", (_name, open) => {
  it("lets exactly one node hold a job, and another take it only once the lease has expired or been released", async () => {
    const storage = await open();
    storages.push(storage);
    const jobs = new JobStore(storage);
    const now = Date.now();
    await jobs.insert(job("ftjob-a"), { owner: "node-a", until: now + 1000 });
    expect(await jobs.claim("ftjob-a", "node-b", now + 1000, now)).toBe(false);
    expect((await jobs.claimable(now)).map((record) => record.id)).toEqual([]);

    // The holder renews while it lives.
    expect([...(await jobs.renew(["ftjob-a"], "node-a", now + 2000))]).toEqual(["ftjob-a"]);
    // Expired: of five nodes claiming at once, exactly one wins.
    const later = now + 5000;
    expect((await jobs.claimable(later)).map((record) => record.id)).toEqual(["ftjob-a"]);
    const claims = await Promise.all(["node-b", "node-c", "node-d", "node-e", "node-f"].map((owner) => jobs.claim("ftjob-a", owner, later + 1000, later)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    const winner = ["node-b", "node-c", "node-d", "node-e", "node-f"][claims.indexOf(true)]!;

    // The old holder learns it lost the job, and its progress writes no longer land.
    expect([...(await jobs.renew(["ftjob-a"], "node-a", later + 3000))]).toEqual([]);
    const stale = job("ftjob-a");
    stale.state.metrics.push({ step: 99, epoch: 1, train_loss: 1 });
    expect(await jobs.update(stale, "node-a")).toBe(false);
    expect(await jobs.update(job("ftjob-a"), winner)).toBe(true);

    // A clean shutdown hands it back at once.
    await jobs.release(["ftjob-a"], winner);
    expect(await jobs.claim("ftjob-a", "node-a", Date.now() + 1000)).toBe(true);

    // A finished job is nobody's to claim.
    const done = job("ftjob-b");
    done.status = "succeeded";
    await jobs.insert(done, { owner: "node-a", until: 0 });
    expect(await jobs.claim("ftjob-b", "node-b", Date.now() + 1000)).toBe(false);
  });
});
