import { describe, expect, it } from "vitest";
import { useConsoleHarness } from "./console-harness.js";

const MASTER = "console-key-prompt-master";

// With a master key the console asks for a key before showing any page, and keeps one that works.
describe("console with a master key set, in Chromium", () => {
  const ui = useConsoleHarness({ master: MASTER, config: () => ({ models: { "prompted-model": { routes: [{ provider: "up", model: "a" }] } } }) });

  it("asks for a key, refuses a wrong one, and shows the catalog with the right one", async () => {
    const page = await ui.browser.newPage();
    await page.goto(`${ui.gateway.url}/console/`);
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
