/**
 * The guard that makes CI fail on a skipped test: a real vitest run over a fixture with one skipped
 * suite, with and without CI=true, and with the skip on an allow-list.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const CONFIG = path.join(import.meta.dirname, "fixture", "vitest.config.ts");
const SKIPPED = "test/reporters/fixture/skips.fixture.ts > a suite whose prerequisite is missing > would need Chromium";
const scratch = mkdtempSync(path.join(tmpdir(), "swy-skips-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function runFixture(env: Record<string, string>) {
  const clean = { ...process.env };
  delete clean.CI;
  delete clean.SWY_REQUIRE_ALL_TESTS;
  delete clean.SWY_ALLOWED_SKIPS;
  const result = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "vitest", "vitest.mjs"), "run", "--config", CONFIG], {
    cwd: ROOT,
    env: { ...clean, ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("no silent skips", { timeout: 150_000 }, () => {
  it("fails a CI run that skipped a test, naming it", () => {
    const run = runFixture({ CI: "true" });
    expect(run.status, run.output).toBe(1);
    expect(run.output).toContain("1 test(s) skipped where every test must run");
    expect(run.output).toContain(SKIPPED);
  });

  it("lets the same run pass off CI", () => {
    const run = runFixture({});
    expect(run.status, run.output).toBe(0);
    expect(run.output).not.toContain("skipped where every test must run");
  });

  it("lets a skip on the allow-list pass on CI, and refuses an entry without a reason", () => {
    const allowed = path.join(scratch, "allowed.json");
    writeFileSync(allowed, JSON.stringify([{ test: SKIPPED, reason: "the fixture's own skip" }]));
    const run = runFixture({ CI: "true", SWY_ALLOWED_SKIPS: allowed });
    expect(run.status, run.output).toBe(0);

    writeFileSync(allowed, JSON.stringify([{ test: SKIPPED, reason: " " }]));
    const unexplained = runFixture({ CI: "true", SWY_ALLOWED_SKIPS: allowed });
    expect(unexplained.status).not.toBe(0);
    expect(unexplained.output).toContain("needs a reason");
  });
});
