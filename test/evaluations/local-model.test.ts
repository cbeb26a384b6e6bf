import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";
import { createModelFixtures, localConfig, type ModelFixtures } from "../local/fixtures.js";
import { additionRows, emulatedModels } from "./helpers.js";

// Model loads are slow on a shared two-core machine.
const SLOW = { timeout: 180_000 };

/** A tiny local llama.cpp model (random weights, generated here) evaluated next to a hosted one. */
describe("evaluating a local model", SLOW, () => {
  let fixtures: ModelFixtures;
  let upstream: OpenaiEmulator;
  let gateway: RunningGateway;

  beforeAll(async () => {
    fixtures = createModelFixtures();
    upstream = await startOpenaiEmulator({ reply: emulatedModels });
    const local = localConfig(fixtures);
    gateway = await startGateway({
      ...local,
      providers: { ...(local.providers as Record<string, unknown>), up: { type: "openai", base_url: upstream.baseURL, api_key: "none" } },
      models: { ...(local.models as Record<string, unknown>), strong: { routes: [{ provider: "up", model: "gpt-4o" }] }, judge: { routes: [{ provider: "up", model: "gpt-4.1" }] } },
    });
  }, 180_000);

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
    fixtures?.cleanup();
  });

  it("answers every row, scores it, and reports its latency and tokens (and no cost: it runs here)", async () => {
    const record = await gateway.evaluations.run(
      {
        dataset: { rows: additionRows(3) },
        models: ["strong", "tiny-chat"],
        baseline: "tiny-chat",
        scorers: [{ type: "exact_match" }, { type: "llm_judge", model: "judge", mode: "pairwise" }],
        parameters: { temperature: 0, max_tokens: 8 },
      },
      "default",
    );
    expect(record.status, JSON.stringify(record.error)).toBe("completed");
    const [strong, tiny] = record.summary!.models;
    expect(tiny).toMatchObject({ model: "tiny-chat", rows: 3, errors: 0 });
    // Random weights do not add: the hosted model wins every comparison and matches every reference.
    expect(tiny!.scores.exact_match!.mean).toBe(0);
    expect(strong!.scores.exact_match!.mean).toBe(1);
    expect(strong!.win_rate).toMatchObject({ mean: 1, wins: 3 });
    expect(tiny!.tokens.output).toBeGreaterThan(0);
    expect(tiny!.tokens.output).toBeLessThanOrEqual(3 * 8);
    expect(tiny!.latency.p50_ms).toBeGreaterThan(0);
    expect(tiny!.cost.total_usd).toBe(0);
    expect(strong!.cost.total_usd).toBeGreaterThan(0);
  });
});
