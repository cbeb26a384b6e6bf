import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { accessibilityViolations, keepScreenshot } from "../helpers/accessibility.js";
import { useConsoleHarness } from "./console-harness.js";

const MASTER = "console-playground-master";
const words = (text: string) => (text.match(/\S+/g) ?? []).length;

// The playground: parameters, JSON schema and tools sent with every column, per-answer figures (latency, first
// token, speed, tokens, cost), up to four models side by side, and "save as a deployment".
describe("console playground in Chromium", () => {
  const ui = useConsoleHarness({
    master: MASTER,
    emulator: { eventDelayMs: 2 },
    config: () => ({
      models: {
        "chat-4o": { routes: [{ provider: "up", model: "gpt-4o" }] },
        "chat-mini": { routes: [{ provider: "up", model: "gpt-4o-mini" }] },
        "house-model": { routes: [{ provider: "up", model: "house-v1" }] },
      },
    }),
  });
  let viewerKey: string;
  let adminKey: string;
  let projectId: string;

  beforeAll(async () => {
    projectId = String((await ui.call("POST", "/admin/projects", { name: "playground" })).id);
    viewerKey = String((await ui.call("POST", "/admin/keys", { project_id: projectId, role: "viewer" })).key);
    adminKey = String((await ui.call("POST", "/admin/keys", { project_id: projectId, role: "admin" })).key);
  });

  const open = async (key: string, hash: string): Promise<Page> => {
    const page = await ui.open(key, hash);
    await page.locator("[data-testid=column-1] select option").first().waitFor({ state: "attached", timeout: 10_000 });
    return page;
  };
  const column = (page: Page, index: number) => page.locator(`[data-testid=column-${index}]`);

  it("sends parameters and a JSON schema to three models and shows each answer's figures and cost", async () => {
    const page = await open(MASTER, "#playground/chat-4o");
    expect(await column(page, 0).getByLabel("Model 1").inputValue()).toBe("chat-4o");
    await page.getByRole("button", { name: "Add model" }).click();
    await column(page, 1).getByLabel("Model 2").selectOption("chat-mini");
    await column(page, 2).getByLabel("Model 3").selectOption("house-model");
    await page.getByRole("button", { name: "Add model" }).click();
    expect(await page.getByRole("button", { name: "Add model" }).isDisabled()).toBe(true);
    await column(page, 3).getByRole("button", { name: "Remove model 4" }).click();
    expect(await page.locator(".compare .column").count()).toBe(3);

    await page.getByLabel("Temperature").fill("0.3");
    await page.getByLabel("Max tokens").fill("50");
    await page.getByLabel("Response format").selectOption("json_schema");
    await page.getByLabel("Message").fill("Rate this console");
    ui.emulator.requests.length = 0;
    await page.getByRole("button", { name: "Run" }).click();
    for (const index of [0, 1, 2]) await column(page, index).locator(".stats").waitFor({ timeout: 10_000 });

    const sent = ui.emulator.requests.filter((request) => request.body?.stream);
    expect(sent.map((request) => request.body.model).sort()).toEqual(["gpt-4o", "gpt-4o-mini", "house-v1"]);
    for (const request of sent) {
      expect(request.body).toMatchObject({ temperature: 0.3, max_tokens: 50, response_format: { type: "json_schema", json_schema: { strict: true } } });
      expect(request.body.response_format.json_schema.schema.required).toEqual(["answer", "confidence"]);
    }
    const inputTokens = words("You are a helpful assistant.") + 3 + words("Rate this console") + 3;
    for (const [index, prices] of [[0, { input: 2.5, output: 10 }], [1, { input: 0.15, output: 0.6 }], [2, undefined]] as const) {
      const answer = JSON.parse((await column(page, index).locator(".output").textContent()) ?? "");
      expect(Object.keys(answer).sort()).toEqual(["answer", "confidence"]);
      const tokens = (await column(page, index).getByTestId("tokens").textContent()) ?? "";
      const [, input, output] = /^(\d+) in · (\d+) out$/.exec(tokens) ?? [];
      expect(Number(input)).toBe(inputTokens);
      expect(Number(output)).toBeGreaterThan(0);
      expect(await column(page, index).getByTestId("latency").textContent()).toMatch(/^\d+ ms$/);
      expect(await column(page, index).getByTestId("ttft").textContent()).toMatch(/^\d+ ms$/);
      expect(await column(page, index).getByTestId("speed").textContent()).toMatch(/^[\d.]+ tokens\/s$|^—$/);
      const cost = await column(page, index).getByTestId("cost").textContent();
      if (prices === undefined) expect(cost).toBe("no price known");
      else {
        const expected = (Number(input) * prices.input + Number(output) * prices.output) / 1_000_000;
        expect(cost).toMatch(/^\$0\.0*\d\d$/);
        expect(Math.abs(Number(cost!.slice(1)) - expected) / expected).toBeLessThan(0.05);
      }
    }
    expect(await accessibilityViolations(page)).toEqual([]);
    await keepScreenshot(page, "playground");
    await page.close();
  });

  it("offers tools and shows the tool calls; a broken schema is refused before anything is sent", async () => {
    const page = await open(MASTER, "#playground");
    await page.getByRole("button", { name: "Add an example tool" }).click();
    await page.getByLabel("Message").fill("Weather in Oslo?");
    await page.getByRole("button", { name: "Run" }).click();
    const calls = column(page, 0).getByRole("list", { name: "Tool calls" });
    await calls.waitFor({ timeout: 10_000 });
    expect(await calls.textContent()).toMatch(/^get_weather\(\{"city":".*"\}\)$/);
    await column(page, 1).locator(".stats").waitFor();
    expect(ui.emulator.requests.at(-1)?.body.tools[0].function.name).toBe("get_weather");

    const before = ui.emulator.requests.length;
    await page.getByLabel("Response format").selectOption("json_schema");
    await page.getByRole("textbox", { name: "JSON schema" }).fill("{ not json");
    await page.getByRole("button", { name: "Run" }).click();
    await page.getByText("The JSON schema is not valid JSON").waitFor();
    expect(ui.emulator.requests.length).toBe(before);
    await page.close();
  });

  it("saves the columns as a deployment with A/B variants, which then answers", async () => {
    const page = await open(MASTER, "#playground/chat-mini");
    await page.getByLabel("System prompt").fill("Answer like a pirate.");
    await page.getByLabel("Temperature").fill("0.7");
    await page.getByLabel("Deployment name").fill("pirate-bot");
    await page.getByLabel("From").selectOption("all");
    await page.getByRole("button", { name: "Save deployment" }).click();
    await page.getByRole("status").filter({ hasText: "Saved pirate-bot as version 1" }).waitFor({ timeout: 10_000 });
    const stored = await ui.request("GET", "/admin/deployments/pirate-bot");
    expect(stored.json.spec).toMatchObject({
      system_prompt: "Answer like a pirate.",
      parameters: { temperature: 0.7 },
      variants: [
        { name: "column-1", model: "chat-mini", weight: 1 },
        { name: "column-2", model: expect.any(String), weight: 1 },
      ],
    });
    const call = await ui.request("POST", "/v1/chat/completions", { model: "pirate-bot", messages: [{ role: "user", content: "ahoy" }] });
    expect(call.status).toBe(200);
    expect(ui.emulator.requests.at(-1)?.body.messages[0]).toMatchObject({ role: "system", content: "Answer like a pirate." });
    await page.close();
  });

  it("lets a project admin save a deployment into its own project", async () => {
    const page = await open(adminKey, "#playground/chat-4o");
    await page.getByLabel("Max tokens").fill("64");
    await page.getByLabel("Deployment name").fill("project-bot");
    await page.getByRole("button", { name: "Save deployment" }).click();
    await page.getByRole("status").filter({ hasText: "Saved project-bot as version 1" }).waitFor({ timeout: 10_000 });
    const stored = await ui.request("GET", "/admin/deployments/project-bot");
    expect(stored.json).toMatchObject({ project_id: projectId, spec: { model: "chat-4o", parameters: { max_tokens: 64 } } });
    await page.close();
  });

  it("does not offer a viewer key to save deployments", async () => {
    const page = await open(viewerKey, "#playground");
    await page.getByRole("button", { name: "Run" }).waitFor();
    expect(await page.getByRole("heading", { name: "Save as a deployment" }).count()).toBe(0);
    await page.close();
  });
});
