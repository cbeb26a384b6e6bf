import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { accessibilityViolations, keepScreenshot } from "../helpers/accessibility.js";
import { useConsoleHarness } from "./console-harness.js";

const MASTER = "console-usage-master";

// The usage page: a date range, day or hour, bars stacked by model or project (chart.js), totals, CSV export.
describe("console usage page in Chromium", () => {
  const ui = useConsoleHarness({
    master: MASTER,
    config: () => ({ models: { "big-model": { routes: [{ provider: "up", model: "gpt-4o" }] }, "small-model": { routes: [{ provider: "up", model: "gpt-4o-mini" }] } } }),
  });
  const projects: Record<"north" | "south", { id: string; key: string }> = { north: { id: "", key: "" }, south: { id: "", key: "" } };
  const chat = (key: string, model: string) => ui.call("POST", "/v1/chat/completions", { model, messages: [{ role: "user", content: "count my tokens please" }] }, key);

  beforeAll(async () => {
    for (const name of ["north", "south"] as const) {
      projects[name].id = String((await ui.call("POST", "/admin/projects", { name })).id);
      projects[name].key = String((await ui.call("POST", "/admin/keys", { project_id: projects[name].id })).key);
    }
    await chat(projects.north.key, "big-model");
    await chat(projects.north.key, "small-model");
    await chat(projects.south.key, "small-model");
    await ui.gateway.control.ledger.flush();
  });

  const open = (key: string) => ui.open(key, "#usage", { acceptDownloads: true });
  const table = (page: Page) => page.getByTestId("usage-table");
  const chartSeries = async (page: Page) => ((await page.getByTestId("usage-chart").getAttribute("data-series")) ?? "").split("\n").filter(Boolean);
  /** How many pixels the chart painted: a chart that draws nothing stays blank. */
  const paintedPixels = (page: Page) =>
    page.getByTestId("usage-chart").evaluate((element) => {
      // The test's own types have no DOM: the shape of a canvas, as used here.
      const canvas = element as unknown as { width: number; height: number; getContext(kind: "2d"): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
      const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
      let painted = 0;
      for (let at = 3; at < data.length; at += 4) if (data[at]! > 0) painted++;
      return painted;
    });

  it("stacks cost by model over the last seven days, then by project and by hour, and exports CSV", async () => {
    const page = await open(MASTER);
    await table(page).getByRole("rowheader", { name: "small-model" }).waitFor({ timeout: 10_000 });
    expect(await table(page).getByRole("rowheader").allTextContents()).toEqual(["big-model", "small-model"]);
    const small = await table(page).getByRole("row").filter({ has: page.getByRole("rowheader", { name: "small-model" }) }).getByRole("cell").allTextContents();
    expect(small[0]).toBe("2");
    expect(await chartSeries(page)).toEqual(["big-model", "small-model"]);
    expect(await page.getByTestId("usage-chart").getAttribute("aria-label")).toMatch(/^Cost \(USD\) per day from \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d, stacked by model: big-model \$/);
    expect(await paintedPixels(page)).toBeGreaterThan(500);
    expect(await accessibilityViolations(page)).toEqual([]);
    await keepScreenshot(page, "usage");

    await page.getByLabel("Stack by").selectOption("project");
    await table(page).getByRole("rowheader", { name: `south (${projects.south.id})` }).waitFor();
    expect(await chartSeries(page)).toEqual([`north (${projects.north.id})`, `south (${projects.south.id})`]);

    await page.getByLabel("Chart").selectOption("requests");
    expect(await page.getByTestId("usage-chart").getAttribute("aria-label")).toContain(`north (${projects.north.id}) 2, south (${projects.south.id}) 1`);

    await page.getByRole("button", { name: "Yesterday and today, hourly" }).click();
    await page.getByTestId("usage-chart").and(page.locator("[aria-label^='Requests per hour']")).waitFor();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export CSV" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^usage-\d{4}-\d\d-\d\d-to-\d{4}-\d\d-\d\d-by-hour-project\.csv$/);
    const lines = readFileSync((await download.path())!, "utf8").trim().split("\r\n");
    expect(lines[0]).toBe("hour,project,requests,errors,input_tokens,cached_input_tokens,output_tokens,cost_usd");
    // The hours the ledger put the requests in (the run may straddle an hour).
    const records = (await (await fetch(`${ui.gateway.url}/v1/usage/records`, { headers: { authorization: `Bearer ${MASTER}` } })).json()) as { data: Array<{ created_at: number; project_id: string }> };
    const expected = new Map<string, number>();
    for (const record of records.data) {
      const key = `${new Date(Math.floor(record.created_at / 3_600_000) * 3_600_000).toISOString()},${record.project_id}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    const rows = lines.slice(1).map((line) => line.split(","));
    expect(rows.map((row) => `${row[0]},${row[1]},${row[2]}`).sort()).toEqual([...expected].map(([key, count]) => `${key},${count}`).sort());
    expect(rows.every((row) => Number(row[7]) > 0)).toBe(true);
    await page.close();
  });

  it("refuses a reversed range and a too long hourly one without asking the gateway", async () => {
    const page = await open(MASTER);
    await table(page).getByRole("rowheader", { name: "small-model" }).waitFor({ timeout: 10_000 });
    const asked: string[] = [];
    page.on("request", (request) => {
      if (request.url().includes("/v1/usage")) asked.push(request.url());
    });
    await page.getByLabel("From (UTC)").fill("2026-01-01");
    await page.getByLabel("To (UTC)").fill("2026-02-01");
    await page.getByLabel("Group by").selectOption("hour");
    await page.getByRole("alert").filter({ hasText: "Hourly grouping covers up to 14 days" }).waitFor();
    expect(await page.getByRole("button", { name: "Export CSV" }).isDisabled()).toBe(true);
    await page.getByLabel("Group by").selectOption("day");
    await page.getByLabel("From (UTC)").fill("2026-03-01");
    await page.getByRole("alert").filter({ hasText: "The start date is after the end date" }).waitFor();
    // Only the one valid range on the way (January by day) was asked for.
    expect(asked.filter((url) => url.includes("group_by=hour"))).toEqual([]);
    expect(asked.every((url) => url.includes("from=2026-01-01"))).toBe(true);
    await page.close();
  });

  it("shows a member key its own project's usage only", async () => {
    const page = await open(projects.south.key);
    await table(page).getByRole("rowheader", { name: "small-model" }).waitFor({ timeout: 10_000 });
    expect(await table(page).getByRole("rowheader").allTextContents()).toEqual(["small-model"]);
    await page.getByLabel("Stack by").selectOption("project");
    await table(page).getByRole("rowheader", { name: projects.south.id }).waitFor();
    expect(await table(page).getByRole("rowheader").allTextContents()).toEqual([projects.south.id]);
    await page.close();
  });
});
