import { beforeAll, describe, expect, it } from "vitest";
import { useConsoleHarness } from "./console-harness.js";

const MASTER = "console-logs-master";

// The Logs page: stored requests in a table, filtered and searched, one request's masked and unmasked
// views, and "open in playground" carrying the conversation over.
describe("console logs page in Chromium", () => {
  const ui = useConsoleHarness({
    master: MASTER,
    config: () => ({
      models: { chat: { routes: [{ provider: "up", model: "a" }] }, other: { routes: [{ provider: "up", model: "b" }] } },
      guardrails: { input: { email: "mask" } },
    }),
  });

  beforeAll(async () => {
    const projectId = String((await ui.call("POST", "/admin/projects", { name: "console-logs" })).id);
    const key = String((await ui.call("POST", "/admin/keys", { project_id: projectId })).key);
    await ui.call("PUT", `/admin/projects/${projectId}/logging`, { store_requests: true, store_unmasked: true });
    const ask = async (model: string, text: string) =>
      ui.call("POST", "/v1/chat/completions", { model, messages: [{ role: "system", content: "Reply briefly." }, { role: "user", content: text }] }, key);
    await ask("chat", "Tell pat@example.com the walrus schedule.");
    await ask("other", "An unrelated question about llamas.");
  });

  it("lists, searches, shows masked and unmasked views, and opens a request in the playground", async () => {
    const page = await ui.open(MASTER, "#logs");
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
    const page = await ui.open(MASTER, "#logs");
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
