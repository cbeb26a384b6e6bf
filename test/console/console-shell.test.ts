import { beforeAll, describe, expect, it } from "vitest";
import { accessibilityViolations } from "../helpers/accessibility.js";
import { useConsoleHarness } from "./console-harness.js";

const MASTER = "console-shell-master";

// The shell: navigation grouped in sections, only the pages the key may use, and the key's role shown.
describe("console shell and roles in Chromium", () => {
  const ui = useConsoleHarness({ master: MASTER, config: () => ({ models: { "shell-model": { routes: [{ provider: "up", model: "a" }] } } }) });
  const keys: Record<"admin" | "viewer" | "member", string> = { admin: "", viewer: "", member: "" };

  beforeAll(async () => {
    const project = String((await ui.call("POST", "/admin/projects", { name: "shell" })).id);
    for (const role of ["admin", "viewer", "member"] as const) keys[role] = String((await ui.call("POST", "/admin/keys", { project_id: project, role })).key);
  });

  const open = async (key: string, hash = "") => {
    const page = await ui.open(key, hash);
    await page.getByTestId("access").waitFor({ timeout: 10_000 });
    return page;
  };
  const navLinks = async (page: Awaited<ReturnType<typeof open>>) =>
    page.getByRole("navigation", { name: "Console pages" }).getByRole("link").allTextContents();

  it("shows every page to the master key, grouped in sections, reachable as links", async () => {
    const page = await open(MASTER);
    expect(await page.getByTestId("access").textContent()).toBe("master key");
    const links = await navLinks(page);
    expect(links).toEqual(expect.arrayContaining(["Models", "Playground", "Usage", "Logs", "Configuration"]));
    const nav = page.getByRole("navigation", { name: "Console pages" });
    expect(await nav.getByRole("heading").allTextContents()).toEqual(expect.arrayContaining(["Build", "Observe", "Manage"]));
    await nav.getByRole("link", { name: "Usage" }).click();
    expect(new URL(page.url()).hash).toBe("#usage");
    expect(await nav.getByRole("link", { name: "Usage" }).getAttribute("aria-current")).toBe("page");
    expect(await accessibilityViolations(page, { exclude: ["main"] })).toEqual([]);
    await page.close();
  });

  it("is usable from the keyboard: Tab reaches the key field and the navigation, Enter follows a link, focus is visible", async () => {
    const page = await open(MASTER);
    const focused = () => page.evaluate(() => {
      const element = (globalThis as unknown as { document: { activeElement: { textContent: string | null; getAttribute(name: string): string | null } | null } }).document.activeElement;
      return element?.getAttribute("href") ?? element?.getAttribute("type") ?? element?.textContent ?? "";
    });
    const reached: string[] = [];
    for (let step = 0; step < 12 && !reached.includes("#usage"); step++) {
      await page.keyboard.press("Tab");
      reached.push(await focused());
    }
    expect(reached).toEqual(expect.arrayContaining(["#models", "password", "#playground", "#usage"]));
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => (globalThis as unknown as { location: { hash: string } }).location.hash === "#usage");
    await page.getByRole("heading", { name: "Usage", level: 1 }).waitFor();
    // A visible focus ring: the focused link draws an outline.
    const outline = await page.getByRole("link", { name: "Usage" }).evaluate((element) => {
      const style = (globalThis as unknown as { getComputedStyle(node: unknown): { outlineStyle: string; outlineWidth: string } }).getComputedStyle(element);
      return `${style.outlineStyle} ${style.outlineWidth}`;
    });
    expect(outline).toBe("solid 3px");
    await page.close();
  });

  it("hides admin pages from member keys and master-only pages from project admins and viewers", async () => {
    const member = await open(keys.member);
    expect(await member.getByTestId("access").textContent()).toBe("model access");
    const memberLinks = await navLinks(member);
    expect(memberLinks).toContain("Playground");
    expect(memberLinks).not.toContain("Logs");
    expect(memberLinks).not.toContain("Configuration");
    await member.close();

    for (const role of ["admin", "viewer"] as const) {
      const page = await open(keys[role]);
      expect(await page.getByTestId("access").textContent()).toMatch(new RegExp(`^project ${role} · `));
      const links = await navLinks(page);
      expect(links).toContain("Logs");
      expect(links).not.toContain("Configuration");
      await page.close();
    }
  });

  it("says what key a page needs when its address is opened with a weaker key", async () => {
    const page = await open(keys.viewer, "#config");
    await page.getByRole("alert").filter({ hasText: "Configuration needs the master key" }).waitFor({ timeout: 10_000 });
    expect(await page.getByRole("button", { name: "Reload config file" }).count()).toBe(0);
    await page.close();
  });
});
