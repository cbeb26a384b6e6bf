import { beforeAll, describe, expect, it } from "vitest";
import { accessibilityViolations, keepScreenshot } from "../helpers/accessibility.js";
import { emulatedModels } from "../evaluations/helpers.js";
import { useConsoleHarness } from "./console-harness.js";

const MASTER = "console-evaluations-master";

// The Evaluations page: start one from the form, follow its progress, read the per-model table and chart.
describe("console evaluations page in Chromium", () => {
  const ui = useConsoleHarness({
    master: MASTER,
    emulator: { reply: emulatedModels },
    config: () => ({
      models: { strong: { routes: [{ provider: "up", model: "gpt-4o" }] }, weak: { routes: [{ provider: "up", model: "gpt-4o-mini" }] }, judge: { routes: [{ provider: "up", model: "gpt-4.1" }] } },
    }),
  });
  let adminKey: string;

  beforeAll(async () => {
    const projectId = String((await ui.call("POST", "/admin/projects", { name: "console-evaluations" })).id);
    adminKey = String((await ui.call("POST", "/admin/keys", { project_id: projectId, role: "admin" })).key);
  });

  it("starts an evaluation from the form and shows the per-model table and chart", async () => {
    const page = await ui.open(adminKey, "#evaluations");
    await page.getByText("No evaluations yet.").waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.locator("input[name=name]").fill("sums in the console");
    const rows = [1, 2, 3, 4].map((a) => JSON.stringify({ messages: [{ role: "user", content: `What is ${a} plus ${a + 1}?` }], reference: String(2 * a + 1) })).join("\n");
    await page.locator("textarea[name=rows]").fill(rows);
    await page.getByRole("checkbox", { name: "strong" }).check();
    await page.getByRole("checkbox", { name: "weak" }).check();
    await page.locator("select[name=baseline]").selectOption("weak");
    await page.locator("select[name=judge]").selectOption("judge");
    await page.locator("select[name=judge_mode]").selectOption("both");
    await page.getByRole("button", { name: "Start evaluation" }).click();

    await page.locator("[data-testid=evaluation-status]", { hasText: "completed" }).waitFor({ timeout: 20_000 });
    const summary = page.locator("[data-testid=evaluation-summary] tbody tr");
    expect(await summary.count()).toBe(2);
    const strong = await summary.filter({ hasText: "strong" }).innerText();
    expect(strong).toContain("100.0%");
    expect(strong).toMatch(/wilson/);
    expect(strong).toMatch(/\$\d/);
    expect(await summary.filter({ hasText: "weak" }).innerText()).toContain("baseline");
    const chart = page.locator("[data-testid=quality-chart]");
    expect(await chart.getAttribute("aria-label")).toMatch(/strong: quality 1\.00/);
    // The chart drew something: some canvas pixels are not blank.
    interface Canvas {
      width: number;
      height: number;
      getContext(kind: "2d"): { getImageData(x: number, y: number, width: number, height: number): { data: ArrayLike<number> } } | null;
    }
    const painted = await chart.evaluate((element) => {
      const canvas = element as unknown as Canvas;
      const pixels = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
      let count = 0;
      for (let index = 3; index < pixels.length; index += 4) if (pixels[index]! > 0) count++;
      return count;
    });
    expect(painted).toBeGreaterThan(1000);
    expect(await page.locator("[data-testid=evaluation-rows] tbody tr").count()).toBe(8);
    expect(await accessibilityViolations(page)).toEqual([]);
    await keepScreenshot(page, "evaluations");

    await page.getByRole("link", { name: "All evaluations" }).click();
    await page.getByRole("link", { name: "sums in the console" }).waitFor();
    expect(await page.locator("[data-testid=evaluations-table] tbody tr").first().innerText()).toMatch(/completed.*strong 100\.0%/s);
    await page.close();
  });

  it("shows the server's refusal of a bad spec", async () => {
    const page = await ui.open(adminKey, "#evaluations");
    await page.getByRole("checkbox", { name: "strong" }).check();
    await page.locator("input[name=extra_models]").fill("no-such-model");
    await page.getByRole("button", { name: "Start evaluation" }).click();
    await page.getByText(/no-such-model/).last().waitFor();
    expect(await page.locator("p.error").innerText()).toMatch(/models\[1\].*'no-such-model' does not exist/);
    await page.close();
  });
});
