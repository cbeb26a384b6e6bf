import { describe, expect, it } from "vitest";
import { keepScreenshot } from "../helpers/accessibility.js";
import { useConsoleHarness } from "./console-harness.js";

// The console in a real browser, on a gateway without keys (as a fresh install runs): the catalog lists models,
// the playground streams two models side by side.
describe("web console in Chromium", () => {
  const ui = useConsoleHarness({
    emulator: { eventDelayMs: 5 },
    config: () => ({
      control: { usage_flush_ms: 50 },
      models: {
        "model-a": { routes: [{ provider: "up", model: "a" }] },
        "model-b": { routes: [{ provider: "up", model: "b" }] },
      },
    }),
  });

  it("lists the model catalog, and the gateway's root leads to it", async () => {
    const page = await ui.open(undefined);
    await page.goto(`${ui.gateway.url}/`);
    expect(new URL(page.url()).pathname).toBe("/console/");
    await page.getByRole("rowheader", { name: "model-a" }).waitFor();
    expect(await page.getByRole("rowheader", { name: "model-b" }).count()).toBe(1);
    await page.close();
  });

  it("compares two models side by side in the playground", async () => {
    const page = await ui.open(undefined, "#playground");
    await page.getByPlaceholder("Ask something…").fill("compare us");
    await page.locator("[data-testid=column-1] select").selectOption("model-b");
    await page.getByRole("button", { name: "Run" }).click();
    for (const column of ["column-0", "column-1"]) {
      await page.locator(`[data-testid=${column}] .stats`).waitFor();
      expect(await page.locator(`[data-testid=${column}] .output`).textContent()).toBe("You said: compare us");
    }
    const models = ui.emulator.requests.filter((request) => request.body?.stream).map((request) => request.body.model);
    expect(models.sort()).toEqual(["a", "b"]);
    await keepScreenshot(page, "playground-two-models");
    await page.close();
  });

  it("charts usage by model after the playground run", async () => {
    const page = await ui.open(undefined, "#usage");
    await page.getByLabel("Stack by").selectOption("model");
    await page.getByRole("rowheader", { name: "model-b" }).waitFor();
    expect(await page.getByTestId("usage-chart").getAttribute("data-series")).toBe("model-a\nmodel-b");
    await page.close();
  });

  it("uploads a dataset with no code and shows a bad file's report", async () => {
    const page = await ui.open(undefined, "#data");
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
