import { statSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/observability/logger.js";
import { ModelPool, type ModelSettings } from "../../src/providers/local/model-pool.js";
import { createModelFixtures, type ModelFixtures } from "./fixtures.js";
import { writeTinyLlamaGguf } from "./gguf-writer.js";

let fixtures: ModelFixtures;
let pool: ModelPool | undefined;
const never = new AbortController().signal;

beforeAll(() => {
  fixtures = createModelFixtures();
});

afterAll(async () => {
  await pool?.close();
  fixtures?.cleanup();
});

const settings = (path: string): ModelSettings => ({ label: path, path, contextSize: 128, parallel: 1, queueSize: 1 });

describe("model pool under a memory budget", { timeout: 180_000 }, () => {
  it("loads on first use and unloads the least recently used idle model to make room", async () => {
    const size = statSync(fixtures.chatModel).size;
    pool = new ModelPool({ threads: 1, budgetBytes: Math.floor(size * 1.5), probeLoad: false, logger: createLogger("silent") });
    expect(pool.loadedPaths()).toEqual([]);
    await pool.get(settings(fixtures.chatModel));
    expect(pool.loadedPaths()).toEqual([fixtures.chatModel]);

    // A busy model is never unloaded: both stay (over budget, with a warning) while the lease is held.
    const lease = await pool.lease(settings(fixtures.chatModel), never);
    await pool.get(settings(fixtures.baseModel));
    expect(pool.loadedPaths().sort()).toEqual([fixtures.baseModel, fixtures.chatModel].sort());
    lease.release();

    // Both idle and over budget: a third model evicts them, least recently used first, until it fits.
    await pool.get(settings(fixtures.baseModel));
    const third = `${fixtures.modelsDir}/third.gguf`;
    writeTinyLlamaGguf(third, { seed: 99 });
    await pool.get(settings(third));
    expect(pool.loadedPaths()).toEqual([third]);
  });

  it("refuses a model larger than the whole budget", async () => {
    const small = new ModelPool({ threads: 1, budgetBytes: 1024, probeLoad: false, logger: createLogger("silent") });
    await expect(small.get(settings(fixtures.baseModel))).rejects.toMatchObject({
      code: "SWY_ERR_MODEL_UNAVAILABLE",
      message: expect.stringMatching(/larger than the memory budget/),
    });
  });
});
