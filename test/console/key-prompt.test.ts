import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { launchBrowser } from "../helpers/browser.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";

const MASTER = "console-key-prompt-master";

// With a master key the console asks for a key before showing any page, and keeps one that works.
describe("console with a master key set, in Chromium", () => {
  let emulator: OpenaiEmulator;
  let gateway: RunningGateway;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(new URL("../../console/dist/index.html", import.meta.url))) throw new Error("console/dist is missing: run `npm run build` first");
    emulator = await startOpenaiEmulator();
    gateway = await startGateway(
      { providers: { up: { type: "openai", base_url: emulator.baseURL, api_key: "none" } }, models: { "prompted-model": { routes: [{ provider: "up", model: "a" }] } } },
      { env: { SWITCHYARD_MASTER_KEY: MASTER } },
    );
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await emulator?.close();
  });

  it("asks for a key, refuses a wrong one, and shows the catalog with the right one", async () => {
    const page = await browser.newPage();
    await page.goto(`${gateway.url}/console/`);
    const prompt = page.getByRole("heading", { name: "This gateway needs an API key" });
    await prompt.waitFor({ timeout: 10_000 });
    expect(await page.getByRole("rowheader", { name: "prompted-model" }).count()).toBe(0);

    const field = page.getByRole("region", { name: "This gateway needs an API key" }).getByLabel("API key");
    await field.fill("sk-swy-wrongwrongwrongwrongwrongwrongwrongwron");
    await page.getByRole("button", { name: "Use this key" }).click();
    await page.getByRole("alert").filter({ hasText: "refused" }).waitFor({ timeout: 10_000 });

    await page.getByRole("region", { name: "This gateway needs an API key" }).getByLabel("API key").fill(MASTER);
    await page.getByRole("button", { name: "Use this key" }).click();
    await page.getByText("prompted-model").first().waitFor({ timeout: 10_000 });
    expect(await prompt.count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as any).localStorage.getItem("switchyard.apiKey"))).toBe(MASTER);
    await page.close();
  });
});
