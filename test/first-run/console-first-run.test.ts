import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumAvailable, launchBrowser } from "../helpers/browser.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";
import { CHATML_TEMPLATE, tinyLlamaGguf } from "../local/gguf-writer.js";
import { startModelHub, type ModelHub } from "./model-hub.js";

// A browser and a model load on a shared two-core machine.
const SLOW = { timeout: 120_000 };
const MASTER = "console-master-key";
const model = tinyLlamaGguf({ seed: 17, chatTemplate: CHATML_TEMPLATE });

let hub: ModelHub;
let browser: Browser;
let gateway: RunningGateway;
let release!: () => void;

beforeAll(async () => {
  // CI installs Chromium and builds the console (npm ci); without them this suite cannot say anything.
  expect(chromiumAvailable(), "Chromium is missing: apt-get install -y chromium").toBe(true);
  expect(existsSync(new URL("../../console/dist/index.html", import.meta.url)), "console/dist is missing: run `npm run build`").toBe(true);
  hub = await startModelHub([{ repository: "test/Tiny-GGUF", file: "tiny-Q8_0.gguf", body: model }]);
  hub.plans.push({ kind: "hold", bytes: 150_000, release: new Promise((resolve) => (release = resolve)) });
  gateway = await startGateway(
    {
      server: { model_hub: hub.endpoint },
      providers: { local: { type: "local", threads: 1, context_size: 512, probe_load: false, models: { tiny: { source: "hf:test/Tiny-GGUF:Q8_0" } } } },
      models: { local: { routes: [{ provider: "local", model: "tiny" }] } },
    },
    { env: { SWITCHYARD_AUTO_DOWNLOAD: "1", SWITCHYARD_MASTER_KEY: MASTER } },
  );
  browser = await launchBrowser();
});

afterAll(async () => {
  release?.();
  await browser?.close();
  await gateway?.close();
  await hub?.close();
});

describe("the console's first page", SLOW, () => {
  it("shows the download's progress, the providers and a key form, then one click gets an answer", async () => {
    const page = await browser.newPage();
    // A script string: the test files are typed for Node, not the browser.
    await page.addInitScript(`localStorage.setItem("switchyard.apiKey", ${JSON.stringify(MASTER)})`);
    await page.goto(`${gateway.url}/console/`);

    const state = page.locator("[data-testid=model-status] .model-state");
    await state.filter({ hasText: /downloading \d+% \([\d.]+ of [\d.]+ MB\)/ }).waitFor({ timeout: 30_000 });
    expect(await state.count()).toBe(1);
    expect(Number(await state.locator("progress").getAttribute("value"))).toBeGreaterThan(0);
    // Nothing can answer yet: the one-click try waits for the download.
    expect(await page.getByRole("button", { name: "No model ready yet" }).isDisabled()).toBe(true);

    const providers = page.locator("[data-testid=providers]");
    expect(await providers.textContent()).toContain("local (local)");
    await page.getByLabel("Provider", { exact: true }).selectOption("anthropic");
    await page.getByLabel("Provider key").fill("sk-ant-console");
    await page.getByRole("button", { name: "Store key" }).click();
    // A config with its own providers: (as here) needs the provider added there too, and says so.
    await page.getByText(/Stored encrypted as ANTHROPIC_API_KEY\. Your config file has its own providers: section: add anthropic there with api_key: env:ANTHROPIC_API_KEY, then reload\./).waitFor();
    expect((await gateway.control.credentials.list()).map((item) => [item.name, item.provider])).toEqual([["ANTHROPIC_API_KEY", "anthropic"]]);
    expect(await gateway.control.credentialEnvironment()).toEqual({ ANTHROPIC_API_KEY: "sk-ant-console" });

    release();
    await state.locator(".ok", { hasText: "ready" }).waitFor({ timeout: 30_000 });
    await page.getByRole("button", { name: "Ask local" }).click();
    // Done means the stream ended (the output is marked done) or the try failed (an error is shown); the error's text
    // is what a failure here should say.
    const tryIt = page.locator("[data-testid=try-it]");
    await tryIt.locator(".output[data-state=done], .error").first().waitFor({ timeout: 60_000 });
    const errors = await tryIt.locator(".error").allTextContents();
    expect(errors).toEqual([]);
    const answer = (await tryIt.locator(".output").textContent()) ?? "";
    expect(answer.length).toBeGreaterThan(0);
    expect(await page.getByRole("button", { name: "Ask local" }).isDisabled()).toBe(false);
    await page.close();
  });

  it("without a master key, says how to add a key instead of offering the form", async () => {
    const open = await startGateway({ providers: { local: { type: "local", probe_load: false } } }, { env: {} });
    try {
      const page = await browser.newPage();
      await page.goto(`${open.url}/console/`);
      const help = page.locator("[data-testid=add-key-help]");
      await help.waitFor();
      expect(await help.textContent()).toMatch(/OPENAI_API_KEY=… npm start.*SWITCHYARD_MASTER_KEY/);
      expect(await page.locator("[data-testid=add-key]").count()).toBe(0);
      await page.close();
    } finally {
      await open.close();
    }
  });
});
