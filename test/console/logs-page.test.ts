import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { launchBrowser } from "../helpers/browser.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";

const MASTER = "console-logs-master";

// The Logs page: stored requests in a table, filtered and searched, one request's masked and unmasked
// views, and "open in playground" carrying the conversation over.
describe("console logs page in Chromium", () => {
  let emulator: OpenaiEmulator;
  let gateway: RunningGateway;
  let browser: Browser;
  let projectId: string;

  const call = async (path: string, method: string, body?: unknown, key = MASTER) => {
    const response = await fetch(`${gateway.url}${path}`, { method, headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    expect(response.status, path).toBeLessThan(300);
    return (await response.json()) as Record<string, unknown>;
  };

  beforeAll(async () => {
    if (!existsSync(new URL("../../console/dist/index.html", import.meta.url))) throw new Error("console/dist is missing: run `npm run build` first");
    emulator = await startOpenaiEmulator();
    gateway = await startGateway(
      {
        providers: { up: { type: "openai", base_url: emulator.baseURL, api_key: "none" } },
        models: { chat: { routes: [{ provider: "up", model: "a" }] }, other: { routes: [{ provider: "up", model: "b" }] } },
        guardrails: { input: { email: "mask" } },
      },
      { env: { SWITCHYARD_MASTER_KEY: MASTER } },
    );
    projectId = String((await call("/admin/projects", "POST", { name: "console-logs" })).id);
    const key = String((await call("/admin/keys", "POST", { project_id: projectId })).key);
    await call(`/admin/projects/${projectId}/logging`, "PUT", { store_requests: true, store_unmasked: true });
    const ask = async (model: string, text: string) =>
      call("/v1/chat/completions", "POST", { model, messages: [{ role: "system", content: "Reply briefly." }, { role: "user", content: text }] }, key);
    await ask("chat", "Tell pat@example.com the walrus schedule.");
    await ask("other", "An unrelated question about llamas.");
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await emulator?.close();
  });

  it("lists, searches, shows masked and unmasked views, and opens a request in the playground", async () => {
    const page = await browser.newPage();
    await page.addInitScript(`localStorage.setItem("switchyard.apiKey", ${JSON.stringify(MASTER)})`);
    await page.goto(`${gateway.url}/console/#logs`);
    const rows = page.locator("[data-testid=logs-table] tbody tr");
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);

    await page.locator("input[name=q]").fill("walrus");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.getByRole("cell", { name: "llamas" }).waitFor({ state: "detached" });
    expect(await rows.count()).toBe(1);
    await rows.first().click();

    const answer = page.locator("[data-testid=log-detail] [data-testid=answer]");
    await answer.waitFor();
    expect(await answer.textContent()).toBe("You said: Tell [EMAIL_1] the walrus schedule.");
    await page.getByRole("button", { name: "unmasked" }).click();
    await page.getByText("unmasked view").waitFor();
    expect(await answer.textContent()).toBe("You said: Tell pat@example.com the walrus schedule.");

    await page.getByRole("button", { name: "Open in playground" }).click();
    await page.getByPlaceholder("Ask something…").waitFor();
    expect(await page.getByPlaceholder("Ask something…").inputValue()).toBe("Tell pat@example.com the walrus schedule.");
    expect(await page.locator("textarea").first().inputValue()).toBe("Reply briefly.");
    expect(await page.locator("[data-testid=column-0] select").inputValue()).toBe("chat");
    await page.close();
  });

  it("filters by status and model", async () => {
    const page = await browser.newPage();
    await page.addInitScript(`localStorage.setItem("switchyard.apiKey", ${JSON.stringify(MASTER)})`);
    await page.goto(`${gateway.url}/console/#logs`);
    const rows = page.locator("[data-testid=logs-table] tbody tr");
    await rows.nth(1).waitFor();
    await page.locator("input[name=model]").fill("other");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.getByRole("cell", { name: /walrus/ }).waitFor({ state: "detached" });
    expect(await rows.count()).toBe(1);
    await page.locator("select[name=status]").selectOption("error");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.getByText("No stored requests match.").waitFor();
    await page.close();
  });
});
