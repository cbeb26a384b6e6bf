import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completionJsonl, tinySentences } from "../customization/datasets.js";
import { accessibilityViolations, keepScreenshot } from "../helpers/accessibility.js";
import { launchBrowser } from "../helpers/browser.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";
import { writeTinyLlamaGguf } from "../local/gguf-writer.js";

const MASTER = "console-fine-tuning-master";
const EXAMPLES = 40;
// Enough passes that the job runs for several of the page's polls, so the curve is seen growing.
const EPOCHS = 30;

// The fine-tuning page with a master key set: a dataset's validation stats and the estimate before start, then a
// real local fine-tune of a tiny model made here, its loss curve drawn while it trains, its checkpoints, and
// "compare with base" opening the playground with both models.
describe("console fine-tuning page in Chromium", () => {
  let dataDir: string;
  let gateway: RunningGateway;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(new URL("../../console/dist/index.html", import.meta.url))) throw new Error("console/dist is missing: run `npm run build` first");
    dataDir = mkdtempSync(join(tmpdir(), "swy-console-ft-"));
    mkdirSync(join(dataDir, "models"), { recursive: true });
    writeTinyLlamaGguf(join(dataDir, "models", "base.gguf"), { seed: 5 });
    gateway = await startGateway(
      {
        server: { data_dir: dataDir },
        providers: { local: { type: "local", threads: 1, context_size: 512, parallel: 1, probe_load: false } },
        fine_tuning: { local: { threads: 1, tokens_per_second: 400 } },
      },
      { env: { SWITCHYARD_MASTER_KEY: MASTER } },
    );
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("shows the dataset's stats and the estimate, trains with a live loss curve, and compares with the base", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.addInitScript(`localStorage.setItem("switchyard.apiKey", ${JSON.stringify(MASTER)})`);
    await page.goto(`${gateway.url}/console/#data`);

    await page.getByLabel(/Dataset file/).setInputFiles({ name: "tiny.jsonl", mimeType: "application/jsonl", buffer: Buffer.from(completionJsonl(tinySentences(EXAMPLES))) });
    await page.getByText(/tiny\.jsonl accepted as file-/).waitFor();

    const form = page.getByRole("form", { name: "New fine-tuning job" });
    await form.getByLabel("Base model").selectOption("local/base");
    // The upload is the chosen dataset; its validation report is shown.
    expect(await form.getByLabel("Training dataset").inputValue()).toMatch(/^file-/);
    const stats = form.getByTestId("dataset-stats");
    await stats.waitFor();
    const statsText = (await stats.textContent()) ?? "";
    expect(statsText).toContain("passed");
    expect(statsText).toContain(`Examples${EXAMPLES}`);
    const totalTokens = Number(/Tokens(\d+)/.exec(statsText)?.[1]);
    expect(totalTokens).toBeGreaterThan(EXAMPLES);

    await form.getByLabel("Epochs (passes over the data)").fill(String(EPOCHS));
    await form.getByLabel("Learning-rate multiplier").fill("10");
    await form.getByLabel("Seed (empty: random)").fill("7");
    const estimate = form.getByTestId("estimate");
    // The trainer's half-overlapping windows of 256 tokens over the examples' stream (BOS and EOS each), per epoch.
    const trained = (Math.floor((totalTokens + 2 * EXAMPLES - 257) / 128) + 1) * 256 * EPOCHS;
    await estimate.getByText(trained.toLocaleString("en")).waitFor();
    expect(await estimate.textContent()).toContain("$0 (runs here)");
    // Those tokens at the configured 400 tokens/s on one thread (under 90 s: shown in seconds).
    const seconds = Math.ceil(trained / 400);
    expect(seconds).toBeLessThan(90);
    expect(await estimate.textContent()).toContain(`Timeabout ${seconds} s`);
    // The speed that time assumes, and where it came from.
    expect(await estimate.textContent()).toContain("Speedabout 400 tokens/s on this machine, from your config");
    expect(await accessibilityViolations(page)).toEqual([]);
    await keepScreenshot(page, "fine-tuning-form");

    await form.getByRole("button", { name: "Start fine-tuning" }).click();
    const detail = page.getByTestId("job-detail");
    await detail.waitFor();
    const chart = detail.getByTestId("loss-chart");
    // The curve is drawn while the job runs: at least two steps before it ends.
    const deadline = Date.now() + 90_000;
    for (;;) {
      const seen = await page.evaluate(() => {
        const root = (globalThis as any).document;
        const figure = root.querySelector("[data-testid=loss-chart]");
        const status = root.querySelector("[data-testid=job-detail] h2 .badge")?.textContent;
        return { points: Number(figure?.getAttribute("data-points") ?? 0), status };
      });
      if (seen.points >= 2 && seen.status === "running") break;
      if (seen.status !== "running" && seen.status !== "validating_files" && seen.status !== "queued") {
        throw new Error(`the job left "running" (${seen.status}) before the curve had two points (${seen.points})`);
      }
      if (Date.now() > deadline) throw new Error(`no loss curve with two points while running within 90 s (${JSON.stringify(seen)})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await chart.locator("canvas").getAttribute("aria-label")).toMatch(/^Loss curve: training loss \d+\.\d{3} at step \d+ to \d+\.\d{3} at step \d+/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await keepScreenshot(page, "fine-tuning-running");

    await detail.locator("h2 .badge", { hasText: "succeeded" }).waitFor({ timeout: 120_000 });
    const jobs = (await (await fetch(`${gateway.url}/v1/fine_tuning/jobs?limit=1`, { headers: { authorization: `Bearer ${MASTER}` } })).json()) as { data: any[] };
    const job = jobs.data[0];
    expect(job).toMatchObject({ status: "succeeded", hyperparameters: { n_epochs: EPOCHS, learning_rate_multiplier: 10 }, seed: 7 });
    expect(Number(await chart.getAttribute("data-points"))).toBe(job.metrics.length);
    await detail.getByTestId("checkpoints").getByRole("row").nth(1).waitFor();
    expect(await detail.getByTestId("events").textContent()).toContain(job.id);
    await keepScreenshot(page, "fine-tuning-done");

    await detail.getByRole("button", { name: "Compare with base in the playground" }).click();
    await page.getByPlaceholder("Ask something…").waitFor();
    expect(new URL(page.url()).hash).toBe("#playground");
    // The columns' choices come with the model list.
    await page.locator("[data-testid=column-0] select option").filter({ hasText: job.fine_tuned_model }).first().waitFor({ state: "attached" });
    expect(await page.locator("[data-testid=column-0] select").inputValue()).toBe(job.fine_tuned_model);
    expect(await page.locator("[data-testid=column-1] select").inputValue()).toBe("local/base");
    await page.close();
  }, 240_000);

  it("says where the estimate's speed comes from: the model's size, or a default when its file is not here", async () => {
    // No configured speed: the base model's shape sets it, or the default when the file is missing.
    const modelsDir = join(dataDir, "shapes-models");
    mkdirSync(modelsDir, { recursive: true });
    writeTinyLlamaGguf(join(modelsDir, "base.gguf"), { seed: 5 });
    const shapes = await startGateway(
      {
        server: { data_dir: join(dataDir, "shapes") },
        providers: { local: { type: "local", threads: 1, context_size: 512, parallel: 1, probe_load: false, models_dir: modelsDir } },
        models: { "not-pulled": { routes: [{ provider: "local", model: "not-pulled" }] } },
        fine_tuning: { local: { threads: 1 } },
      },
      { env: { SWITCHYARD_MASTER_KEY: MASTER } },
    );
    try {
      const form = new FormData();
      form.append("purpose", "fine-tune");
      form.append("file", new Blob([completionJsonl(tinySentences(EXAMPLES))]), "tiny.jsonl");
      const uploaded = await fetch(`${shapes.url}/v1/files`, { method: "POST", headers: { authorization: `Bearer ${MASTER}` }, body: form });
      expect(uploaded.status).toBe(200);
      const fileId = ((await uploaded.json()) as { id: string }).id;
      const estimateOf = async (model: string) => {
        const answer = await fetch(`${shapes.url}/v1/fine_tuning/estimates`, {
          method: "POST",
          headers: { authorization: `Bearer ${MASTER}`, "content-type": "application/json" },
          body: JSON.stringify({ model, training_file: fileId }),
        });
        return (await answer.json()) as { tokens_per_second: number; speed_basis: string };
      };
      const fromModel = await estimateOf("local/base");
      const fromDefault = await estimateOf("not-pulled");
      expect(fromModel.speed_basis).toBe("model");
      expect(fromDefault.speed_basis).toBe("default");
      // Both are at least 10 tokens/s here, so shown as whole numbers.
      expect(Math.min(fromModel.tokens_per_second, fromDefault.tokens_per_second)).toBeGreaterThanOrEqual(10);

      const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      await page.addInitScript(`localStorage.setItem("switchyard.apiKey", ${JSON.stringify(MASTER)})`);
      await page.goto(`${shapes.url}/console/#data`);
      const jobForm = page.getByRole("form", { name: "New fine-tuning job" });
      await jobForm.getByLabel("Training dataset").locator(`option[value="${fileId}"]`).waitFor({ state: "attached" });
      await jobForm.getByLabel("Training dataset").selectOption(fileId);
      const estimate = jobForm.getByTestId("estimate");
      await jobForm.getByLabel("Base model").selectOption("local/base");
      const rate = (value: number) => Math.round(value).toLocaleString("en");
      await estimate.getByText(`about ${rate(fromModel.tokens_per_second)} tokens/s on this machine, from the model's size`).waitFor();
      await jobForm.getByLabel("Base model").selectOption("not-pulled");
      await estimate.getByText(`about ${rate(fromDefault.tokens_per_second)} tokens/s on this machine, a default: the model file isn't on this node yet`).waitFor();
      expect(await accessibilityViolations(page)).toEqual([]);
      await page.close();
    } finally {
      await shapes.close();
    }
  }, 120_000);
});
