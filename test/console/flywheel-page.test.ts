import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trainRouter } from "../../src/routing/auto/train.js";
import { examples, solve } from "../e2e/flywheel/task-family.js";
import { accessibilityViolations, keepScreenshot } from "../helpers/accessibility.js";
import { waitFor } from "../helpers/wait.js";
import { writeTinyLlamaGguf } from "../local/gguf-writer.js";
import { useConsoleHarness } from "./console-harness.js";

const MASTER = "console-flywheel-master";
const ORDERS = 14;

const countWords = (text: string) => (text.match(/\S+/g) ?? []).length;

/** gpt-4o (the teacher) answers both task families; gpt-4o-mini only the order questions. */
function reply(body: Record<string, unknown>) {
  const messages = body.messages as Array<{ role: string; content: string }>;
  const prompt = messages.filter((message) => message.role === "user").at(-1)?.content ?? "";
  const right = solve(prompt) ?? "I do not know.";
  let text = "I do not know.";
  if (body.model === "gpt-4o") text = right;
  if (body.model === "gpt-4o-mini" && /order/i.test(prompt)) text = right;
  return { text, toolCalls: [], finishReason: "stop" as const, promptTokens: countWords(prompt) + 3, completionTokens: countWords(text) };
}

// The Flywheel page walks the loop through the real gateway: logging turned on from the page, traffic logged, a
// dataset built from the log query, a local tiny model fine-tuned on it, an evaluation against the teacher, a
// promotion the gate refuses (the fine-tune does not answer like the teacher), one it lets through as a canary
// with the before/after figures, and a rollback; a viewer key sees the states without any button.
describe("console flywheel page in Chromium", () => {
  let dataDir: string | undefined;
  // Registered before the harness, so it runs after the harness has closed the gateway (after-hooks run as a stack).
  afterAll(() => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  const ui = useConsoleHarness({
    master: MASTER,
    emulator: { reply },
    // The data folder holds the tiny local model to fine-tune and the auto model's starting router.
    config: () => {
      dataDir = mkdtempSync(join(tmpdir(), "swy-console-flywheel-"));
      mkdirSync(join(dataDir, "models"), { recursive: true });
      writeTinyLlamaGguf(join(dataDir, "models", "base.gguf"), { seed: 5 });
      // The strong model better at sums, both alike elsewhere.
      const seedRows = [...examples("sums", 8, 1), ...examples("orders", 8, 2)].map((example) => ({ prompt: example.prompt, scores: { strong: 1, old: example.family === "sums" ? 0 : 0.5 } }));
      writeFileSync(join(dataDir, "router.json"), JSON.stringify(trainRouter(seedRows, { strong: "strong", weak: "old", folds: 2, seed: 1 }).file));
      return {
        server: { data_dir: dataDir },
        providers: { local: { type: "local", threads: 1, context_size: 512, parallel: 1, probe_load: false } },
        models: {
          strong: { routes: [{ provider: "up", model: "gpt-4o" }] },
          cheap: { routes: [{ provider: "up", model: "gpt-4o-mini" }] },
          old: { routes: [{ provider: "up", model: "babbage-002" }] },
          smart: { type: "auto", auto: { router: join(dataDir, "router.json"), strong: "strong", weak: "old", target_strong: 0.5 } },
        },
        pricing: { "up/babbage-002": { input: 0.4, output: 0.4 } },
        fine_tuning: { local: { threads: 1, tokens_per_second: 400 } },
        promotions: { monitor_ms: 60_000 },
      };
    },
  });
  let adminKey: string;
  let memberKey: string;
  let viewerKey: string;
  let projectId: string;

  const call = (path: string, method: string, body?: unknown, key = MASTER) => ui.call(method, path, body, key);
  const chat = (model: string, prompt: string) => call("/v1/chat/completions", "POST", { model, messages: [{ role: "user", content: prompt }] }, memberKey);
  /** A call the member key rates at once (`POST /v1/feedback` with the answer's `x-request-id`). */
  const chatRated = async (model: string, prompt: string, score: number) => {
    const response = await fetch(`${ui.gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${memberKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: prompt }] }),
    });
    expect(response.status).toBe(200);
    await call("/v1/feedback", "POST", { request_id: response.headers.get("x-request-id"), score }, memberKey);
  };

  const openAs = async (key: string): Promise<Page> => {
    const page = await ui.open(key, "#flywheel", { viewport: { width: 1280, height: 1000 } });
    await page.getByRole("heading", { name: "Flywheel" }).waitFor({ timeout: 15_000 });
    return page;
  };
  const stateOf = (page: Page, step: string) => page.getByTestId(`step-${step}-state`);
  /** The promotion the page shows ("" for none). */
  const shownPromotion = async (page: Page) => {
    const id = page.getByTestId("promotion-id");
    return (await id.count()) === 0 ? "" : (await id.innerText()).trim();
  };
  /** Clicks "Evaluate and promote" and waits for the new promotion to leave "evaluating", answering where it ended. */
  const promote = async (page: Page) => {
    const before = await shownPromotion(page);
    await page.getByTestId("step-promotion").getByRole("button", { name: "Evaluate and promote" }).click();
    return waitFor(
      async () => {
        if ((await shownPromotion(page)) === before) return false;
        const state = (await stateOf(page, "promotion").innerText()).trim();
        return ["promoted", "refused", "failed"].includes(state) && state;
      },
      120_000,
      "the new promotion to be decided",
      200,
    );
  };
  /**
   * Usage rows reach the ledger a moment after the answers (the usage journal's flush), so figures read from it
   * (routing health, usage) are read again by applying the query until `text` shows.
   */
  const applyUntil = (page: Page, target: Locator, text: RegExp, what: string) =>
    waitFor(
      async () => {
        await page.getByRole("button", { name: "Apply query" }).click();
        await target.waitFor({ timeout: 5_000 });
        return text.test(await target.innerText());
      },
      15_000,
      what,
      300,
    );

  beforeAll(async () => {
    projectId = String((await call("/admin/projects", "POST", { name: "flywheel" })).id);
    adminKey = String((await call("/admin/keys", "POST", { project_id: projectId, role: "admin" })).key);
    viewerKey = String((await call("/admin/keys", "POST", { project_id: projectId, role: "viewer" })).key);
    memberKey = String((await call("/admin/keys", "POST", { project_id: projectId })).key);
    // The project's own deployment the candidates are promoted into (its current model is the teacher).
    await call("/admin/deployments/desk", "PUT", { model: "strong" }, adminKey);
  }, 60_000);

  it("walks logs, dataset, fine-tune, evaluation and a refused and an accepted promotion, with before/after figures", async () => {
    const page = await openAs(adminKey);

    // 1. Logging is off for a new project; the page turns it on.
    await stateOf(page, "logs").getByText("logging off").waitFor({ timeout: 10_000 });
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "Turn logging on" }).click();
    await page.getByTestId("logging-state").getByText(/^on,/).waitFor({ timeout: 10_000 });
    // Nothing logged yet: the builder's refusal is shown inline with its counts, and nothing is stored.
    await page.getByRole("button", { name: "Build dataset from the log" }).click();
    await page.getByTestId("step-dataset").getByText(/No stored request of this project matches the query/).waitFor({ timeout: 10_000 });
    expect(await page.getByTestId("step-dataset").getByTestId("dataset-counts").innerText()).toMatch(/Matched\s+0/);
    expect(await stateOf(page, "dataset").innerText()).toBe("not built");

    // Traffic: the teacher answers order questions (the family to hand over) and sums; the deployment serves sums.
    for (const example of examples("orders", ORDERS, 3)) expect((await chat("strong", example.prompt)).choices[0].message.content).toBe(example.answer);
    for (const example of examples("sums", 4, 4)) await chat("strong", example.prompt);
    for (const example of examples("sums", 4, 5)) await chatRated("desk", example.prompt, 1);

    // The shared query: the teacher's answers about orders, half held out.
    await page.getByLabel("Teacher model (logged answers)").fill("strong");
    await page.getByLabel("Words in request or answer").fill("order");
    await page.getByLabel("Held-out fraction").fill("0.5");
    await page.getByRole("button", { name: "Apply query" }).click();
    await page.getByTestId("log-matches").getByText(`${ORDERS} stored requests`).waitFor({ timeout: 10_000 });
    await stateOf(page, "logs").getByText(`${ORDERS} matching`).waitFor({ timeout: 10_000 });
    // The teacher's last hour from the routing health: the project's 18 calls to it.
    await applyUntil(page, page.getByTestId("teacher-health"), /^strong: 18 requests, 0\.0% errors, \d+ ms mean latency$/, "the teacher's health to count its 18 requests");

    // 2. The dataset from the log query.
    await page.getByRole("button", { name: "Build dataset from the log" }).click();
    await stateOf(page, "dataset").getByText(`${ORDERS} examples`).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId("dataset-counts").innerText()).toMatch(new RegExp(`${ORDERS}: 7 training, 7 held out`));
    expect(await page.getByTestId("training-file").innerText()).toMatch(/^file-/);

    // 3. A short local fine-tune of the tiny model on it.
    const fineTune = page.getByTestId("step-fine-tune");
    await fineTune.getByLabel("Base model").selectOption("local/base");
    await fineTune.getByLabel("Epochs").fill("1");
    await fineTune.getByRole("button", { name: "Start fine-tuning" }).click();
    await stateOf(page, "fine-tune").getByText("succeeded").waitFor({ timeout: 120_000 });
    const fineTuned = (await page.getByTestId("fine-tuned-model").innerText()).trim();
    expect(fineTuned).toMatch(/^ft:local\/base:flywheel:/);
    expect(await page.getByTestId("job-loss").innerText()).toMatch(/^training \d+\.\d{3} → \d+\.\d{3}/);

    // A reload keeps the query and the dataset (remembered in the browser) and finds the job again (the API).
    await page.reload();
    await stateOf(page, "fine-tune").getByText("succeeded").waitFor({ timeout: 15_000 });
    await stateOf(page, "dataset").getByText(`${ORDERS} examples`).waitFor({ timeout: 10_000 });
    expect(await page.getByLabel("Teacher model (logged answers)").inputValue()).toBe("strong");
    expect(await page.getByLabel("Held-out fraction").inputValue()).toBe("0.5");

    // 4. The evaluation on the held-out part: the candidate is filled in, against the teacher.
    const evaluation = page.getByTestId("step-evaluation");
    expect(await evaluation.getByLabel("Models to compare (comma-separated)").inputValue()).toBe(`${fineTuned}, strong`);
    await evaluation.getByLabel("Max tokens per answer").fill("16");
    await evaluation.getByRole("button", { name: "Evaluate on the held-out part" }).click();
    await stateOf(page, "evaluation").getByText("completed").waitFor({ timeout: 120_000 });
    const scores = page.getByTestId("evaluation-scores");
    expect(await scores.locator("caption").innerText()).toMatch(/^7 held-out rows; intervals at 95% confidence/);
    expect(await scores.locator("tbody tr").filter({ hasText: "strong" }).innerText()).toMatch(/100\.0%.*wilson/s);
    expect(await scores.locator("tbody tr").filter({ hasText: fineTuned }).innerText()).toMatch(/0\.0%.*wilson/s);

    // 5. A candidate that does not exist: the API's 404 is shown in the form, and no promotion is recorded.
    const promotion = page.getByTestId("step-promotion");
    expect(await promotion.getByLabel("Candidate model").inputValue()).toBe(fineTuned);
    await promotion.getByLabel("Candidate model").fill("no-such-model");
    await promotion.getByRole("button", { name: "Evaluate and promote" }).click();
    await promotion.locator("p.error", { hasText: "no-such-model" }).waitFor({ timeout: 10_000 });
    expect(await stateOf(page, "promotion").innerText()).toBe("none");
    expect((await call(`/admin/promotions?project_id=${projectId}`, "GET")).data).toEqual([]);

    // The fine-tune into the deployment: the gate refuses it and says why; nothing changes.
    await promotion.getByLabel("Candidate model").fill(fineTuned);
    expect(await promotion.getByLabel("Deployment (canary)").inputValue()).toBe("desk");
    expect(await promote(page)).toBe("refused");
    expect(await page.getByTestId("refusal").innerText()).toMatch(/quality/);
    const checks = page.getByTestId("gate-checks");
    expect(await checks.locator("caption").innerText()).toBe("Gate: refused");
    expect(await checks.locator("tbody tr").filter({ hasText: "quality share" }).innerText()).toMatch(/failed/);
    expect(await checks.locator("tbody tr").filter({ hasText: "lower cost" }).innerText()).toMatch(/passed/);
    const card = page.getByTestId("before-after");
    expect(await card.locator("caption").innerText()).toMatch(/^Refused by the gate/);
    expect(await card.innerText()).toMatch(/held-out quality\s+strong: 100\.0%.*\s+ft:local\/base:flywheel:\S+: 0\.0%/);
    const unchanged = await call("/admin/deployments/desk", "GET", undefined, adminKey);
    expect(unchanged).toMatchObject({ version: 1, spec: { model: "strong" } });
    expect(unchanged.spec.variants).toBeUndefined();
    expect(await accessibilityViolations(page)).toEqual([]);
    await keepScreenshot(page, "flywheel-refused");

    // A cheaper model that answers orders like the teacher passes and takes a canary share of the deployment.
    await promotion.getByLabel("Candidate model").fill("cheap");
    await promotion.getByLabel("Canary share of its traffic").fill("0.5");
    expect(await promote(page)).toBe("promoted");
    expect(await page.getByTestId("canary").innerText()).toMatch(/^desk v2 sends 50\.0% of its traffic to the candidate \(was v1\)/);
    expect(await checks.locator("caption").innerText()).toBe("Gate: passed");
    expect(await page.getByTestId("rollback-state").innerText()).toMatch(/^automatic when live ratings fall 0\.1 below/);
    const deployment = await call("/admin/deployments/desk", "GET", undefined, adminKey);
    expect(deployment.spec.variants.map((variant: { model: string }) => variant.model).sort()).toEqual(["cheap", "strong"]);
    // Traffic after the promotion, rated worse than before; the card's live rows count each side of it.
    for (const [index, example] of examples("sums", 3, 6).entries()) await chatRated("desk", example.prompt, index === 0 ? 0 : 1);
    await applyUntil(page, card.getByTestId("live-cost"), /\$\S+ over 4 requests \(the week before\)\s+\$\S+ over 3 requests \(since\)/, "the live cost on both sides of the promotion");
    expect(await card.getByTestId("live-rating").innerText()).toMatch(/1\.00 over 4 ratings\s+0\.67 over 3 ratings/);
    expect(await card.innerText()).toMatch(/held-out cost per request\s+\$\S+\s+\$\S+/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await keepScreenshot(page, "flywheel-promoted");

    // A rollback by hand puts the deployment back.
    await promotion.getByRole("button", { name: "Roll back promotion" }).click();
    await stateOf(page, "promotion").getByText("rolled back").waitFor({ timeout: 15_000 });
    expect(await page.getByTestId("rollback-state").innerText()).toMatch(/^rolled back by .*: rolled back from the Flywheel page/);
    const restored = await call("/admin/deployments/desk", "GET", undefined, adminKey);
    expect(restored.spec).toMatchObject({ model: "strong" });
    expect(restored.spec.variants).toBeUndefined();
    await page.close();
  }, 420_000);

  it("shows a viewer key every step's state and no action", async () => {
    const page = await openAs(viewerKey);
    // The project's newest promotion, as the admin left it.
    await stateOf(page, "promotion").getByText(/^(refused|promoted|rolled back)$/).waitFor({ timeout: 15_000 });
    await stateOf(page, "logs").getByText(/matching$/).waitFor({ timeout: 10_000 });
    expect(await page.getByRole("button").filter({ hasText: /Build dataset|Start fine-tuning|Evaluate|Roll back|Turn logging on/ }).count()).toBe(0);
    expect(await page.getByText("Read-only: an admin key promotes and rolls back.").count()).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it("lets the master key choose the project and promote into an auto model, and says where fine-tuning acts", async () => {
    const page = await openAs(MASTER);
    await page.locator("select[name=project]").selectOption(projectId);
    await page.getByLabel("Teacher model (logged answers)").fill("strong");
    await page.getByLabel("Words in request or answer").fill("order");
    await page.getByLabel("Held-out fraction").fill("0.5");
    await page.getByRole("button", { name: "Apply query" }).click();
    await stateOf(page, "logs").getByText(`${ORDERS} matching`).waitFor({ timeout: 10_000 });
    await stateOf(page, "promotion").getByText(/^(refused|promoted|rolled back)$/).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId("step-fine-tune").innerText()).toContain("Fine-tuning jobs and files belong to the key's own project");
    expect(await accessibilityViolations(page)).toEqual([]);

    // Into an auto model (the master key's alone): the cheaper model becomes its weak tier, the router retrained.
    const promotion = page.getByTestId("step-promotion");
    await promotion.getByLabel("Candidate model").fill("cheap");
    await promotion.getByLabel("Deployment (canary)").selectOption("");
    await promotion.getByLabel("Auto model whose weak tier it becomes").selectOption("smart");
    expect(await promote(page)).toBe("promoted");
    expect(await page.getByTestId("promotion-facts").innerText()).toMatch(/cheap → auto model smart's weak tier[\s\S]*smart: weak tier was old, router stored:promotion-/);
    expect(await page.getByTestId("before-after").innerText()).toMatch(/held-out quality\s+strong: 100\.0%.*\s+cheap: 100\.0%/);
    await promotion.getByRole("button", { name: "Roll back promotion" }).click();
    await stateOf(page, "promotion").getByText("rolled back").waitFor({ timeout: 15_000 });
    await page.close();
  }, 180_000);
});
