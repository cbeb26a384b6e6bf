import { beforeAll, describe, expect, it } from "vitest";
import { useConsoleHarness } from "./console-harness.js";

const MASTER = "console-config-master";

// The Configuration page lists what serves now, from the file and from the admin API, and reloads the file.
describe("console configuration page in Chromium", () => {
  const ui = useConsoleHarness({ master: MASTER, config: () => ({ models: { "file-model": { routes: [{ provider: "up", model: "a" }] } } }) });

  beforeAll(async () => {
    await ui.call("PUT", "/admin/providers/added", { type: "openai", base_url: ui.emulator.baseURL, api_key: "none" });
    await ui.call("PUT", "/admin/models/admin-model", { routes: [{ provider: "added", model: "b" }] });
  });

  it("shows providers and models with where each comes from, and reloads the file", async () => {
    // The key field keeps what is typed in the browser's localStorage, as a user would have left it.
    const page = await ui.open(MASTER, "#config");
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
