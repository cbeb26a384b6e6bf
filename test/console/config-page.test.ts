import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenaiEmulator, type OpenaiEmulator } from "../emulators/openai/server.js";
import { launchBrowser } from "../helpers/browser.js";
import { startGateway, type RunningGateway } from "../helpers/gateway.js";

const MASTER = "console-config-master";

// The Configuration page lists what serves now, from the file and from the admin API, and reloads the file.
describe("console configuration page in Chromium", () => {
  let emulator: OpenaiEmulator;
  let gateway: RunningGateway;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(new URL("../../console/dist/index.html", import.meta.url))) throw new Error("console/dist is missing: run `npm run build` first");
    emulator = await startOpenaiEmulator();
    gateway = await startGateway(
      {
        providers: { up: { type: "openai", base_url: emulator.baseURL, api_key: "none" } },
        models: { "file-model": { routes: [{ provider: "up", model: "a" }] } },
      },
      { env: { SWITCHYARD_MASTER_KEY: MASTER } },
    );
    const put = (path: string, body: unknown) =>
      fetch(`${gateway.url}${path}`, { method: "PUT", headers: { authorization: `Bearer ${MASTER}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    expect((await put("/admin/providers/added", { type: "openai", base_url: emulator.baseURL, api_key: "none" })).status).toBe(200);
    expect((await put("/admin/models/admin-model", { routes: [{ provider: "added", model: "b" }] })).status).toBe(200);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await emulator?.close();
  });

  it("shows providers and models with where each comes from, and reloads the file", async () => {
    const page = await browser.newPage();
    // The key field keeps what is typed in the browser's localStorage, as a user would have left it.
    await page.addInitScript(`localStorage.setItem("switchyard.apiKey", ${JSON.stringify(MASTER)})`);
    await page.goto(`${gateway.url}/console/#config`);
    await page.getByRole("cell", { name: "admin-model" }).waitFor();
    const row = (name: string) => page.getByRole("row").filter({ has: page.getByRole("cell", { name, exact: true }) });
    expect(await row("file-model").textContent()).toContain("config file");
    expect(await row("admin-model").textContent()).toContain("admin API");
    expect(await row("admin-model").textContent()).toContain("added/b");
    expect(await row("added").textContent()).toContain("admin API");
    await page.getByRole("button", { name: "Reload config file" }).click();
    await page.getByText(/Reloaded config object: nothing changed/).waitFor();
    await page.close();
  });
});
