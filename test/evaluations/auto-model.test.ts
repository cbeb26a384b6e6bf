import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trainRouter } from "../../src/routing/auto/train.js";
import "../../src/routing/feedback/tables.js";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";
import { syntheticRows } from "../routing/synthetic-data.js";
import { additionRows, emulatedModels } from "./helpers.js";

/** A `type: auto` model evaluated like any other; its evaluation calls leave no routing samples behind. */
describe("evaluating an auto model", () => {
  let upstream: OpenaiEmulator;
  let gateway: RunningGateway;
  let directory: string;

  beforeAll(async () => {
    upstream = await startOpenaiEmulator({ reply: emulatedModels });
    directory = mkdtempSync(join(tmpdir(), "swy-eval-auto-"));
    const routerPath = join(directory, "ROUTER.json");
    writeFileSync(routerPath, JSON.stringify(trainRouter(syntheticRows(120, 5), { strong: "strong", weak: "weak", targetStrong: 0.5, folds: 3 }).file));
    gateway = await startGateway({
      providers: { up: { type: "openai", base_url: upstream.baseURL, api_key: "none" } },
      models: {
        strong: { routes: [{ provider: "up", model: "gpt-4o" }] },
        weak: { routes: [{ provider: "up", model: "gpt-4o-mini" }] },
        smart: { type: "auto", auto: { router: routerPath, strong: "strong", weak: "weak", target_strong: 0.5, collect_samples: true } },
      },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it("scores the auto model and stores no routing sample for its calls", async () => {
    const record = await gateway.evaluations.run({ dataset: { rows: additionRows(6) }, models: ["smart", "strong"], scorers: [{ type: "exact_match" }] }, "default");
    expect(record.status).toBe("completed");
    const smart = record.summary!.models[0]!;
    expect(smart).toMatchObject({ model: "smart", rows: 6, errors: 0 });
    const samples = () => gateway.control.storage.db.selectFrom("routing_samples").select("request_id").execute();
    expect(await samples()).toEqual([]);
    // A live call of the same model is sampled: collection is on, evaluations are what it skips.
    const live = await gateway.server.inject({ method: "POST", url: "/v1/chat/completions", payload: { model: "smart", messages: [{ role: "user", content: "What is 1 plus 1?" }] } });
    expect(live.statusCode).toBe(200);
    expect(await samples()).toHaveLength(1);
  });
});
