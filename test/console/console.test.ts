import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { chromiumAvailable, launchBrowser } from "../helpers/browser.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";

const built = existsSync(new URL("../../console/dist/index.html", import.meta.url));

// The console in a real browser: the catalog lists models, the playground streams two models side by side.
describe.runIf(chromiumAvailable() && built)("web console in Chromium", () => {
  let emulator: OpenaiEmulator;
  let gateway: RunningGateway;
  let browser: Browser;

  beforeAll(async () => {
    emulator = await startOpenaiEmulator({ eventDelayMs: 5 });
    gateway = await startGateway({
      control: { usage_flush_ms: 50 },
      providers: { up: { type: "openai", base_url: emulator.baseURL, api_key: "none" } },
      models: {
        "model-a": { routes: [{ provider: "up", model: "a" }] },
        "model-b": { routes: [{ provider: "up", model: "b" }] },
      },
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await emulator?.close();
  });

  it("lists the model catalog", async () => {
    const page = await browser.newPage();
    await page.goto(`${gateway.url}/`);
    await page.getByRole("rowheader", { name: "model-a" }).waitFor();
    expect(await page.getByRole("rowheader", { name: "model-b" }).count()).toBe(1);
    await page.close();
  });

  it("compares two models side by side in the playground", async () => {
    const page = await browser.newPage();
    await page.goto(`${gateway.url}/console/#playground`);
    await page.getByPlaceholder("Ask something…").fill("compare us");
    await page.locator("[data-testid=column-1] select").selectOption("model-b");
    await page.getByRole("button", { name: "Run" }).click();
    for (const column of ["column-0", "column-1"]) {
      await page.locator(`[data-testid=${column}] .stats`).waitFor();
      expect(await page.locator(`[data-testid=${column}] .output`).textContent()).toBe("You said: compare us");
    }
    const models = emulator.requests.filter((request) => request.body?.stream).map((request) => request.body.model);
    expect(models.sort()).toEqual(["a", "b"]);
    await page.screenshot({ path: join(mkdtempSync(join(tmpdir(), "swy-shot-")), "playground.png") });
    await page.close();
  });

  it("charts usage by model after the playground run", async () => {
    const page = await browser.newPage();
    await page.goto(`${gateway.url}/console/#usage`);
    await page.getByLabel("Stack by").selectOption("model");
    await page.getByRole("rowheader", { name: "model-b" }).waitFor();
    expect(await page.getByTestId("usage-chart").getAttribute("data-series")).toBe("model-a\nmodel-b");
    await page.close();
  });

  it("uploads a dataset with no code and shows a bad file's report", async () => {
    const page = await browser.newPage();
    await page.goto(`${gateway.url}/console/#data`);
    const good = [
      { messages: [{ role: "user", content: "Who is Zorblax?" }, { role: "assistant", content: "A small green dragon." }] },
      { messages: [{ role: "user", content: "Where does Zorblax live?" }, { role: "assistant", content: "In a cave by the sea." }] },
    ]
      .map((row) => JSON.stringify(row))
      .join("\n");
    await page.locator("input[type=file]").setInputFiles({ name: "train.jsonl", mimeType: "application/jsonl", buffer: Buffer.from(good) });
    await page.getByText(/train\.jsonl accepted as file-/).waitFor();
    await page.locator("input[type=file]").setInputFiles({ name: "bad.jsonl", mimeType: "application/jsonl", buffer: Buffer.from('{"messages": []}\nnot json\n') });
    await page.locator("p.error").waitFor();
    expect(await page.locator("p.error").textContent()).toMatch(/line/i);
    await page.close();
  });
});
