import { existsSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { accessibilityViolations, keepScreenshot } from "../helpers/accessibility.js";
import { launchBrowser } from "../helpers/browser.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";

const MASTER = "console-models-master";

// The catalog as a table (prices per 1M tokens, capability badges, recent health), its filters, a model's
// own page, and "try in playground".
describe("console model catalog and model page in Chromium", () => {
  let emulator: OpenaiEmulator;
  let gateway: RunningGateway;
  let browser: Browser;
  let memberKey: string;

  const call = async (path: string, body: unknown, key = MASTER) => {
    const response = await fetch(`${gateway.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    return { status: response.status, json: (await response.json()) as Record<string, string> };
  };
  const chat = (model: string) => call("/v1/chat/completions", { model, messages: [{ role: "user", content: "hi" }] });

  beforeAll(async () => {
    if (!existsSync(new URL("../../console/dist/index.html", import.meta.url))) throw new Error("console/dist is missing: run `npm run build` first");
    emulator = await startOpenaiEmulator();
    gateway = await startGateway(
      {
        control: { usage_flush_ms: 50 },
        providers: { up: { type: "openai", base_url: emulator.baseURL, api_key: "none" } },
        models: {
          "chat-4o": { routes: [{ provider: "up", model: "gpt-4o" }] },
          "chat-mini": { routes: [{ provider: "up", model: "gpt-4o-mini" }] },
          "house-model": { routes: [{ provider: "up", model: "house-v1" }] },
        },
      },
      { env: { SWITCHYARD_MASTER_KEY: MASTER } },
    );
    const project = (await call("/admin/projects", { name: "catalog" })).json.id;
    memberKey = (await call("/admin/keys", { project_id: project })).json.key!;
    for (let index = 0; index < 3; index++) expect((await chat("chat-4o")).status).toBe(200);
    emulator.faults.push({ kind: "status", status: 400, message: "Emulated bad request" });
    expect((await chat("chat-4o")).status).toBe(400);
    expect((await chat("chat-mini")).status).toBe(200);
    await gateway.control.ledger.flush();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await emulator?.close();
  });

  const open = async (key: string, hash: string): Promise<Page> => {
    const page = await browser.newPage();
    await page.addInitScript(`localStorage.setItem("switchyard.apiKey", ${JSON.stringify(key)})`);
    await page.goto(`${gateway.url}/console/${hash}`);
    return page;
  };
  const row = (page: Page, model: string) => page.getByTestId("catalog").getByRole("row").filter({ has: page.getByRole("rowheader", { name: model, exact: true }) });

  it("shows prices per 1M tokens, capabilities as badges and recent health, and filters", async () => {
    const page = await open(MASTER, "#models");
    await row(page, "chat-4o").getByText("failing").waitFor({ timeout: 10_000 });
    const cells = await row(page, "chat-4o").getByRole("cell").allTextContents();
    expect(cells.slice(0, 5)).toEqual(["up", "128K", "$2.50", "$1.25", "$10.00"]);
    expect(await row(page, "chat-4o").getByRole("listitem").allTextContents()).toEqual(["Vision", "Tools", "JSON mode"]);
    expect(await row(page, "chat-4o").textContent()).toContain("25% errors");
    expect(await row(page, "chat-mini").textContent()).toContain("healthy");
    expect(await row(page, "house-model").textContent()).toContain("unknown");
    expect(await accessibilityViolations(page)).toEqual([]);
    await keepScreenshot(page, "models-catalog");

    await page.getByLabel("Search").fill("mini");
    await row(page, "chat-4o").waitFor({ state: "detached" });
    expect(await page.getByTestId("catalog").getByRole("rowheader").allTextContents()).toEqual(["chat-mini"]);
    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.getByRole("checkbox", { name: "Vision" }).check();
    await page.getByLabel("Max input price ($ per 1M)").fill("1");
    await row(page, "chat-4o").waitFor({ state: "detached" });
    expect(await page.getByTestId("catalog").getByRole("rowheader").allTextContents()).toEqual(["chat-mini"]);
    await page.close();
  });

  it("opens a model's page with its prices, health and routes, and tries it in the playground", async () => {
    const page = await open(MASTER, "#models");
    await row(page, "chat-4o").getByRole("link", { name: "chat-4o", exact: true }).click();
    await page.getByRole("heading", { name: "chat-4o", level: 1 }).waitFor();
    expect(new URL(page.url()).hash).toBe("#models/chat-4o");
    await page.getByTestId("model-health").waitFor({ timeout: 10_000 });
    expect(await page.getByTestId("model-health").textContent()).toContain("1 (25.0%)");
    const route = await page.getByTestId("model-routes").getByRole("row").nth(1).getByRole("cell").allTextContents();
    expect(route[0]).toBe("up");
    expect(route[1]).toBe("gpt-4o");
    expect(route[4]).toBe("closed");
    expect(await page.getByRole("table").first().textContent()).toContain("$10.00");
    expect(await accessibilityViolations(page)).toEqual([]);
    await keepScreenshot(page, "model-page");

    await page.getByRole("link", { name: "Try in playground" }).click();
    await page.locator("[data-testid=column-0] select").waitFor();
    expect(new URL(page.url()).hash).toBe("#playground/chat-4o");
    expect(await page.locator("[data-testid=column-0] select").inputValue()).toBe("chat-4o");
    await page.close();
  });

  it("shows a member key the catalog without health", async () => {
    const page = await open(memberKey, "#models");
    await row(page, "chat-mini").waitFor({ timeout: 10_000 });
    expect(await page.getByRole("columnheader", { name: "Health" }).count()).toBe(0);
    expect(await row(page, "chat-mini").textContent()).toContain("$0.15");
    await page.close();
  });
});
