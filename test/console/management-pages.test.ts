import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { accessibilityViolations, keepScreenshot } from "../helpers/accessibility.js";
import { waitFor } from "../helpers/wait.js";
import { useConsoleHarness } from "./console-harness.js";

const MASTER = "console-manage-master";
const HARBOUR = "The harbour master of Port Velin is Ada Quist. She has held the post since 2019.";
const BAKERY = "The bakery on Canal Street opens at six and sells rye bread baked in a wood oven.";

// The management pages through the admin API, with a master key set: projects and keys (the secret shown once,
// revoke, spend), deployments (versions, variants, roll back), knowledge bases (upload, search with citations),
// the guardrail and admin audits; and what viewer, project admin and member keys are shown.
describe("console management pages in Chromium", () => {
  const ui = useConsoleHarness({
    master: MASTER,
    config: () => ({
      control: { usage_flush_ms: 50 },
      models: {
        chat: { routes: [{ provider: "up", model: "a" }] },
        "chat-b": { routes: [{ provider: "up", model: "b" }] },
        embedder: { routes: [{ provider: "up", model: "text-embedding-3-small" }] },
      },
      // A price, so a call has a cost the spend columns can show.
      pricing: { "up/a": { input: 1000, output: 1000 } },
      guardrails: { input: { email: "mask" } },
      deployments: { support: { model: "chat", system_prompt: "Answer as support." } },
    }),
  });
  let projectId: string;
  const keys: Record<"app" | "admin" | "viewer" | "member", string> = { app: "", admin: "", viewer: "", member: "" };

  beforeAll(async () => {
    projectId = (await ui.call("POST", "/admin/projects", { name: "acme", budgets: { daily_usd: 50 } })).id;
    keys.app = (await ui.call("POST", "/admin/keys", { project_id: projectId, name: "app" })).key;
    for (const role of ["admin", "viewer", "member"] as const) keys[role] = (await ui.call("POST", "/admin/keys", { project_id: projectId, name: `${role}-key`, role })).key;
    // A second version of the deployment: two weighted variants.
    await ui.call("PUT", "/admin/deployments/support", {
      variants: [
        { name: "a", model: "chat", weight: 3 },
        { name: "b", model: "chat-b", weight: 1 },
      ],
    });
    // A deployment of the project (two versions), which its keys administer or read.
    await ui.call("PUT", `/admin/deployments/acme-bot?project_id=${projectId}`, { model: "chat" });
    await ui.call("PUT", "/admin/deployments/acme-bot", { model: "chat-b" });
    // One call that costs something and trips the email guardrail.
    const chat = await ui.request("POST", "/v1/chat/completions", { model: "chat", messages: [{ role: "user", content: "Mail pat@example.com the plan." }] }, keys.app);
    expect(chat.status).toBe(200);
    await waitFor(async () => ((await ui.call("GET", `/admin/usage?group_by=key&project_id=${projectId}`)).data as Array<{ cost_usd: number }>).some((group) => group.cost_usd > 0), 10_000, "the call's usage row");
  });

  const open = async (key: string, hash: string): Promise<Page> => {
    const page = await ui.open(key, hash, { viewport: { width: 1280, height: 900 } });
    await page.getByTestId("access").waitFor({ timeout: 10_000 });
    return page;
  };
  const navLinks = (page: Page) => page.getByRole("navigation", { name: "Console pages" }).getByRole("link").allTextContents();

  it("creates a project and a key, shows the secret once, and revokes the key", async () => {
    const page = await open(MASTER, "#projects");
    const projects = page.getByTestId("projects-table");
    await projects.getByRole("button", { name: "acme" }).waitFor();
    // Spend this month of the project that made the priced call.
    expect(await projects.getByRole("row", { name: /acme/ }).textContent()).toMatch(/\$0\.\d*[1-9]/);

    await page.getByRole("button", { name: "New project" }).click();
    await page.getByLabel("Project name").fill("console-made");
    await page.getByRole("form", { name: "New project" }).getByLabel("Monthly budget (USD)").fill("25");
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "Create project" }).click();
    await page.getByRole("heading", { name: /^console-made/ }).waitFor();
    // The project's figures load after its heading: wait for them (with a deadline) rather than reading at once.
    await page.getByText("This month", { exact: true }).locator("..").filter({ hasText: "of $25.00" }).waitFor({ timeout: 15_000 });
    const made = ((await ui.call("GET", "/admin/projects")).data as Array<{ id: string; name: string; budgets: { monthly_usd: number | null } }>).find((project) => project.name === "console-made");
    expect(made?.budgets.monthly_usd).toBe(25);

    await page.getByRole("button", { name: "New key" }).click();
    const form = page.getByRole("form", { name: "New key" });
    await form.getByLabel("Key name").fill("ci");
    await form.getByLabel("Role").selectOption("member");
    await form.getByLabel("Any model the project may call").uncheck();
    await form.getByLabel("chat-b").check();
    await form.getByLabel("Requests per minute").fill("30");
    expect(await accessibilityViolations(page)).toEqual([]);
    await form.getByRole("button", { name: "Create key" }).click();

    const secretBox = page.getByTestId("key-secret");
    const secretField = secretBox.getByLabel("Secret of key ci");
    await secretField.waitFor();
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^sk-swy-/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await keepScreenshot(page, "projects-key-secret");
    // The key works, for the one model it was given.
    expect((await ui.request("POST", "/v1/chat/completions", { model: "chat-b", messages: [{ role: "user", content: "hi" }] }, secret)).status).toBe(200);
    expect((await ui.request("POST", "/v1/chat/completions", { model: "chat", messages: [{ role: "user", content: "hi" }] }, secret)).status).toBe(403);

    await secretBox.getByRole("button", { name: "Done, I stored it" }).click();
    await secretBox.waitFor({ state: "detached" });
    expect(await page.content()).not.toContain(secret);
    const row = page.getByTestId("keys-table").getByRole("row", { name: /ci/ });
    await row.filter({ hasText: "chat-b" }).filter({ hasText: "30 RPM" }).waitFor({ timeout: 15_000 });

    await page.getByRole("button", { name: "Revoke key ci" }).click();
    await page.getByRole("group", { name: "Confirm revoking key ci" }).getByRole("button", { name: "Yes, revoke" }).click();
    await page.getByLabel(/Show 1 revoked/).waitFor();
    expect((await ui.request("GET", "/v1/models", undefined, secret)).status).toBe(401);
    await page.getByLabel(/Show 1 revoked/).check();
    await page.getByTestId("keys-table").getByRole("row", { name: /ci/ }).filter({ hasText: "revoked" }).waitFor({ timeout: 15_000 });
    // Reloading never brings the secret back.
    await page.reload();
    await page.getByTestId("projects-table").waitFor();
    expect(await page.content()).not.toContain(secret);
    await page.close();
  });

  it("creates a key with the keyboard alone", async () => {
    const page = await open(MASTER, `#projects/${projectId}`);
    await page.getByTestId("keys-table").waitFor();
    const focused = () => page.evaluate(() => (globalThis as any).document.activeElement?.textContent?.trim() ?? "");
    // Tab from the top of the page to the New key button; every control on the way is reachable.
    let presses = 0;
    while ((await focused()) !== "New key") {
      await page.keyboard.press("Tab");
      expect(++presses, "Tab presses to reach New key").toBeLessThan(60);
    }
    await page.keyboard.press("Enter");
    // The form's first field has the focus.
    await page.keyboard.type("typed-key");
    while ((await focused()) !== "Create key") {
      await page.keyboard.press("Tab");
      expect(++presses, "Tab presses to reach Create key").toBeLessThan(120);
    }
    await page.keyboard.press("Enter");
    const secret = page.getByTestId("key-secret").getByLabel("Secret of key typed-key");
    await secret.waitFor();
    // The secret has the focus, selected for copying.
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.id)).toBe(await secret.getAttribute("id"));
    expect((await ui.request("GET", "/v1/models", undefined, await secret.inputValue())).status).toBe(200);
    await page.close();
  });

  it("shows a key's spend and changes its role", async () => {
    const page = await open(MASTER, `#projects/${projectId}`);
    const appRow = page.getByTestId("keys-table").getByRole("row", { name: /^app/ });
    await appRow.waitFor();
    expect(await appRow.textContent()).toMatch(/\$0\.\d*[1-9]\d* today/);
    await page.getByRole("button", { name: "Edit key app" }).click();
    const form = page.getByRole("form", { name: /Edit key/ });
    await form.getByLabel("Role").selectOption("viewer");
    await form.getByRole("button", { name: "Save key" }).click();
    await form.waitFor({ state: "detached" });
    const keysList = (await ui.call("GET", `/admin/keys?project_id=${projectId}`)).data as Array<{ id: string; name: string; role: string }>;
    const app = keysList.find((key) => key.name === "app")!;
    expect(app.role).toBe("viewer");
    await ui.call("PATCH", `/admin/keys/${app.id}`, { role: "member" });
    await page.close();
  });

  it("lists a deployment's versions and variants and rolls it back", async () => {
    const page = await open(MASTER, "#deployments");
    await page.getByRole("button", { name: "support" }).click();
    const detail = page.getByTestId("deployment-detail");
    await detail.waitFor();
    expect(await detail.getByRole("heading", { name: /support/ }).textContent()).toContain("version 2 active");
    const variants = await page.getByTestId("variants").getByRole("row").allTextContents();
    expect(variants.slice(1).map((text) => text.replace(/\s+/g, " "))).toEqual(["achat3 75%", "bchat-b1 25%"]);
    expect(await accessibilityViolations(page)).toEqual([]);
    await keepScreenshot(page, "deployments");

    await detail.getByRole("button", { name: "Roll back to v1" }).click();
    await page.getByRole("status").filter({ hasText: "support now serves version 1." }).waitFor();
    expect((await ui.call("GET", "/admin/deployments/support")).version).toBe(1);
    // The status comes first, then the detail reloads: wait for it (with a deadline) rather than reading at once.
    await detail.getByRole("heading", { name: /support/ }).filter({ hasText: "version 1 active" }).waitFor({ timeout: 15_000 });
    await page.getByTestId("variants").waitFor({ state: "detached", timeout: 15_000 });
    // Calls to the name follow the rollback: v1's system prompt is back.
    await ui.request("POST", "/v1/chat/completions", { model: "support", messages: [{ role: "user", content: "hello" }] });
    expect(JSON.stringify(ui.emulator.requests.at(-1)!.body.messages)).toContain("Answer as support.");
    await page.close();
  });

  it("creates a knowledge base, uploads documents and previews a search with citations", async () => {
    const page = await open(MASTER, "#knowledge");
    await page.getByRole("button", { name: "New knowledge base" }).click();
    const form = page.getByRole("form", { name: "New knowledge base" });
    await form.getByLabel("Name", { exact: true }).fill("town");
    await form.getByLabel("Embedding model").selectOption("embedder");
    expect(await accessibilityViolations(page)).toEqual([]);
    await form.getByRole("button", { name: "Create knowledge base" }).click();

    const detail = page.getByTestId("base-detail");
    await detail.getByRole("heading", { name: "town" }).waitFor();
    const upload = detail.getByLabel("Upload a text or markdown file");
    await upload.setInputFiles({ name: "harbour.md", mimeType: "text/markdown", buffer: Buffer.from(HARBOUR) });
    await detail.getByRole("status").filter({ hasText: "harbour.md: 1 chunk" }).waitFor();
    await upload.setInputFiles({ name: "bakery.txt", mimeType: "text/plain", buffer: Buffer.from(BAKERY) });
    await detail.getByRole("status").filter({ hasText: "bakery.txt: 1 chunk" }).waitFor();
    await detail.getByTestId("documents-table").getByRole("cell", { name: "bakery.txt" }).waitFor();

    await detail.getByLabel("Question").fill(HARBOUR);
    await detail.getByRole("button", { name: "Search" }).click();
    const results = detail.getByTestId("search-results").getByRole("listitem");
    await results.first().waitFor();
    expect(await results.count()).toBe(2);
    // The emulator's vectors are hashes of the text: the same text is the nearest, with cosine 1.
    expect(await results.first().locator(".citation").textContent()).toMatch(/^\[1\] harbour\.md · chunk 1 · score 1\.000/);
    expect(await results.first().locator("blockquote").textContent()).toBe(HARBOUR);
    expect(await results.nth(1).locator(".citation").textContent()).toMatch(/^\[2\] bakery\.txt/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await keepScreenshot(page, "knowledge-search");
    await page.close();
  });

  it("shows guardrail actions and the admin audit log", async () => {
    const guardrails = await open(MASTER, "#guardrails");
    const table = guardrails.getByTestId("guardrail-audit");
    await table.waitFor();
    expect(await table.getByRole("row", { name: /email/ }).first().textContent()).toContain("mask");
    expect(await accessibilityViolations(guardrails)).toEqual([]);
    await keepScreenshot(guardrails, "guardrail-audit");
    // Filters apply on submit: an action nothing took, then the category and action the call tripped.
    const filters = guardrails.getByRole("form", { name: "Filter guardrail actions" });
    await filters.getByLabel("Action").selectOption("block");
    await filters.getByRole("button", { name: "Filter" }).click();
    await guardrails.getByText("No guardrail actions match.").waitFor();
    await filters.getByLabel("Category").fill(" email ");
    await filters.getByLabel("Action").selectOption("mask");
    await filters.getByRole("button", { name: "Filter" }).click();
    await table.getByRole("row", { name: /email/ }).first().waitFor();
    await guardrails.close();

    const audit = await open(MASTER, "#audit");
    const log = audit.getByTestId("admin-audit");
    await log.waitFor();
    const calls = (await log.getByRole("row").allTextContents()).join("\n");
    expect(calls).toContain("POST /admin/projects");
    expect(calls).toMatch(/DELETE \/admin\/keys\/\S+/);
    expect(calls).toContain("POST /admin/deployments/support/rollback");
    await log.getByRole("row", { name: /DELETE \/admin\/keys/ }).first().getByText("before / after").click();
    expect(await log.locator("details[open] pre").first().textContent()).toContain('"revoked_at": null');
    expect(await accessibilityViolations(audit)).toEqual([]);
    await keepScreenshot(audit, "admin-audit");
    const auditFilters = audit.getByRole("form", { name: "Filter the audit log" });
    await auditFilters.getByLabel("Key id").fill("no-such-key");
    await auditFilters.getByRole("button", { name: "Filter" }).click();
    await audit.getByText("No admin changes recorded.").waitFor();
    await auditFilters.getByLabel("Key id").fill("master");
    await auditFilters.getByRole("button", { name: "Filter" }).click();
    await log.getByRole("row", { name: /POST \/admin\/projects/ }).first().waitFor();
    await audit.close();
  });

  it("shows a viewer key its project read-only, with no button that changes anything", async () => {
    const page = await open(keys.viewer, "#projects");
    const links = await navLinks(page);
    expect(links).toEqual(expect.arrayContaining(["Projects & keys", "Admin audit log", "Guardrail audit", "Deployments"]));
    // The viewer's own project opens by itself, with its keys and spend.
    await page.getByTestId("keys-table").getByRole("row", { name: /^app/ }).waitFor();
    expect(await page.getByText("Read-only: this key has the role viewer.").count()).toBe(1);
    for (const name of [/New project/, /New key/, /Edit/, /Revoke/, /Save/, /Create/]) expect(await page.getByRole("button", { name }).count(), String(name)).toBe(0);
    expect(await page.getByRole("columnheader", { name: "Actions" }).count()).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    await keepScreenshot(page, "projects-viewer");
    // Its project's deployments, read-only; the config file's are not its to see.
    await page.getByRole("link", { name: "Deployments" }).click();
    await page.getByRole("button", { name: "acme-bot" }).click();
    await page.getByTestId("versions").getByRole("row").nth(2).waitFor();
    expect(await page.getByRole("button", { name: "support" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: /Roll back/ }).count()).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    // The audit log is the viewer's project's only.
    await page.getByRole("link", { name: "Admin audit log" }).click();
    await page.getByTestId("admin-audit").waitFor();
    expect((await page.getByTestId("admin-audit").getByRole("row").allTextContents()).join("\n")).not.toContain("POST /admin/projects");
    await page.close();
  });

  it("lets a project admin manage its project's keys and deployments but not create projects; a member key sees no admin page", async () => {
    const page = await open(keys.admin, "#projects");
    await page.getByTestId("keys-table").waitFor();
    expect(await page.getByRole("button", { name: "New key" }).count()).toBe(1);
    expect(await page.getByRole("button", { name: "New project" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Revoke key app" }).count()).toBe(1);
    // Its own project's deployment it rolls back.
    await page.getByRole("link", { name: "Deployments" }).click();
    await page.getByRole("button", { name: "acme-bot" }).click();
    await page.getByRole("button", { name: "Roll back to v1" }).click();
    await page.getByRole("status").filter({ hasText: "acme-bot now serves version 1." }).waitFor();
    expect((await ui.call("GET", "/admin/deployments/acme-bot")).spec.model).toBe("chat");
    await page.close();

    const member = await open(keys.member, "#models");
    const links = await navLinks(member);
    expect(links).toContain("Knowledge bases");
    for (const hidden of ["Projects & keys", "Deployments", "Guardrail audit", "Admin audit log"]) expect(links).not.toContain(hidden);
    await member.close();
  });
});
