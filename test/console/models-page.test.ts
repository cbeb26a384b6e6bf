import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { accessibilityViolations, keepScreenshot } from "../helpers/accessibility.js";
import { useConsoleHarness } from "./console-harness.js";

const MASTER = "console-models-master";

// The catalog as a table (prices per 1M tokens, capability badges, recent health), its filters, a model's
// own page, and "try in playground".
describe("console model catalog and model page in Chromium", () => {
  const ui = useConsoleHarness({
    master: MASTER,
    config: () => ({
      control: { usage_flush_ms: 50 },
      models: {
        "chat-4o": { routes: [{ provider: "up", model: "gpt-4o" }] },
        "chat-mini": { routes: [{ provider: "up", model: "gpt-4o-mini" }] },
        "house-model": { routes: [{ provider: "up", model: "house-v1" }] },
      },
    }),
  });
  let memberKey: string;
  const chat = (model: string) => ui.request("POST", "/v1/chat/completions", { model, messages: [{ role: "user", content: "hi" }] });

  beforeAll(async () => {
    const project = String((await ui.call("POST", "/admin/projects", { name: "catalog" })).id);
    memberKey = String((await ui.call("POST", "/admin/keys", { project_id: project })).key);
    for (let index = 0; index < 3; index++) expect((await chat("chat-4o")).status).toBe(200);
    ui.emulator.faults.push({ kind: "status", status: 400, message: "Emulated bad request" });
    expect((await chat("chat-4o")).status).toBe(400);
    expect((await chat("chat-mini")).status).toBe(200);
    await ui.gateway.control.ledger.flush();
  });

  const row = (page: Page, model: string) => page.getByTestId("catalog").getByRole("row").filter({ has: page.getByRole("rowheader", { name: model, exact: true }) });

  it("shows prices per 1M tokens, capabilities as badges and recent health, and filters", async () => {
    const page = await ui.open(MASTER, "#models");
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
    const page = await ui.open(MASTER, "#models");
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
    const page = await ui.open(memberKey, "#models");
    await row(page, "chat-mini").waitFor({ timeout: 10_000 });
    expect(await page.getByRole("columnheader", { name: "Health" }).count()).toBe(0);
    expect(await row(page, "chat-mini").textContent()).toContain("$0.15");
    await page.close();
  });
});
