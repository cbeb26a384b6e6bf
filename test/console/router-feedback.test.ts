import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { trainRouter } from "../../src/routing/auto/train.js";
import { RoutingSampleStore, type RatedSample } from "../../src/routing/feedback/sample-store.js";
import { keepScreenshot } from "../helpers/accessibility.js";
import { syntheticRows } from "../routing/synthetic-data.js";
import { useConsoleHarness } from "./console-harness.js";

const hard = "Gus has 734 marbles, sells 35% of them, then buys 62 more and then gives away a third. How many marbles are left?";
const easy = "Gus has 4 marbles. How many marbles does Gus have?";
const decisionLine = /^routed to (strong|middle|weak) · score (\d\.\d\d) \(threshold (\d\.\d\d)\)$/;

// The playground with a learned router, on a gateway without keys: the decision each column got, and a rating
// that reaches the retraining data.
describe("playground with a type: auto model, in Chromium", () => {
  // The router file is written before the harness starts the gateway that reads it.
  const directory = mkdtempSync(join(tmpdir(), "swy-console-router-"));
  const routerPath = join(directory, "ROUTER.json");
  writeFileSync(routerPath, JSON.stringify(trainRouter(syntheticRows(240, 21), { strong: "strong", weak: "weak", targetStrong: 0.4, folds: 3 }).file));
  const ui = useConsoleHarness({
    emulator: { eventDelayMs: 2 },
    config: () => ({
      models: {
        smart: { type: "auto", auto: { router: routerPath, strong: "big", weak: "small", target_strong: 0.4, collect_samples: true } },
        big: { routes: [{ provider: "up", model: "gpt-big" }] },
        small: { routes: [{ provider: "up", model: "gpt-small" }] },
      },
    }),
  });

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  async function rated(): Promise<RatedSample[]> {
    const samples: RatedSample[] = [];
    for await (const sample of new RoutingSampleStore(ui.gateway.control.storage.db).rated("smart")) samples.push(sample);
    return samples;
  }

  /** Runs one prompt in column 0 on `model`; resolves with that column's x-request-id. */
  async function runColumn(page: Page, model: string, prompt: string): Promise<string> {
    await page.getByPlaceholder("Ask something…").fill(prompt);
    await page.locator("[data-testid=column-0] select").selectOption(model);
    await page.locator("[data-testid=column-1] select").selectOption("small");
    const answered = page.waitForResponse((response) => response.url().endsWith("/v1/chat/completions") && (response.request().postData() ?? "").includes(`"model":"${model}"`));
    await page.getByRole("button", { name: "Run" }).click();
    const requestId = await (await answered).headerValue("x-request-id");
    expect(requestId).toMatch(/^req_/);
    return requestId!;
  }

  it("shows the tier, score and threshold, and stores a rating of the answer", async () => {
    const page = await ui.open(undefined, "#playground", { viewport: { width: 1100, height: 720 } });
    const requestId = await runColumn(page, "smart", hard);

    const decision = page.locator("[data-testid=column-0] [data-testid=route-decision]");
    await decision.waitFor();
    const [, tier, score, threshold] = decisionLine.exec((await decision.textContent()) ?? "") ?? [];
    expect(tier).toBe("strong");
    expect(Number(score)).toBeGreaterThan(Number(threshold));
    expect(await page.locator("[data-testid=column-0] .output").textContent()).toBe(`You said: ${hard}`);
    expect(ui.emulator.requests.filter((request) => request.body?.stream).map((request) => request.body.model).sort()).toEqual(["gpt-big", "gpt-small"]);
    // A plain model made no decision and has nothing to rate.
    await page.locator("[data-testid=column-1] .stats").waitFor();
    expect(await page.locator("[data-testid=column-1] [data-testid=route-decision]").count()).toBe(0);
    expect(await page.locator("[data-testid=column-1]").getByRole("button", { name: "Good answer" }).count()).toBe(0);
    await keepScreenshot(page, "playground-route");

    expect(await rated()).toEqual([]);
    await page.locator("[data-testid=column-0]").getByRole("button", { name: "Good answer" }).click();
    await page.locator("[data-testid=column-0]").getByText("Rated").waitFor();
    expect(await rated()).toEqual([expect.objectContaining({ request_id: requestId, auto_model: "smart", tier: "strong", model: "big", prompt: hard, rating: 1 })]);
    await page.close();
  });

  it("shows the API's error when a rating is refused", async () => {
    const page = await ui.open(undefined, "#playground");
    const requestId = await runColumn(page, "smart", easy);
    const column = page.locator("[data-testid=column-0]");
    await column.locator("[data-testid=route-decision]").waitFor();
    expect(await column.locator("[data-testid=route-decision]").textContent()).toMatch(/^routed to weak · /);

    // Forget the request, so the gateway no longer knows what is being rated.
    await ui.gateway.control.ledger.flush();
    await ui.gateway.control.storage.db.deleteFrom("routing_samples").where("request_id", "=", requestId).execute();
    await ui.gateway.control.storage.db.deleteFrom("usage_records").where("request_id", "=", requestId).execute();
    await column.getByRole("button", { name: "Bad answer" }).click();
    await column.locator(".rate .error").waitFor();
    expect(await column.locator(".rate .error").textContent()).toBe(`No request '${requestId}' of this project was found. Send the x-request-id of a response this key's project received.`);
    expect(await column.getByText("Rated").count()).toBe(0);
    expect((await rated()).map((sample) => sample.request_id)).not.toContain(requestId);
    await page.close();
  });
});
